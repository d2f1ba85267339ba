package slug

import (
	"strings"
	"testing"
)

func TestMake(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"hello", "hello"},
		{"Hello, World!", "hello-world"},
		{"Lambda dies with invalid ELF header", "lambda-dies-with-invalid-elf-header"},
		{"  leading and trailing  ", "leading-and-trailing"},
		{"a -- b!!  c", "a-b-c"}, // runs of punctuation make one dash
		{"--x--", "x"},
		{"snake_case and kebab-case", "snake-case-and-kebab-case"},
		{"v1.2.3", "v1-2-3"},
		{"2026-03-14", "2026-03-14"},
		{"!!!", ""},
		{"   ", ""},
		// Other scripts keep their letters.
		{"Über Café", "über-café"},
		{"日本語 メモ", "日本語-メモ"},
		{"Ελληνικά", "ελληνικά"},
		{"Привет, мир", "привет-мир"},
		// Combining marks stay with their letter (Devanagari vowel signs,
		// a decomposed "é").
		{"हिन्दी", "हिन्दी"},
		{"cafe\u0301 bar", "cafe\u0301-bar"},
		{"\u0301x", "x"}, // a mark with nothing to combine with is dropped
		// "+" and "#" keep names apart that would otherwise collide.
		{"C++", "c-plus-plus"},
		{"C", "c"},
		{"a+b", "a-plus-b"},
		{"a + b", "a-plus-b"},
		{"Google+", "google-plus"},
		{"+1", "1"},
		{"C#", "c-sharp"},
		{"F# and C#", "f-sharp-and-c-sharp"},
		{"issue #42", "issue-42"},
		{"#hashtag", "hashtag"},
		{"emoji 🚀 launch", "emoji-launch"},
	}
	for _, tt := range tests {
		if got := Make(tt.in); got != tt.want {
			t.Errorf("Make(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMakeIsIdempotent(t *testing.T) {
	for _, in := range []string{"Über Café", "C++", "a+b", "C#", "हिन्दी", "x--y", "Hello, World!"} {
		once := Make(in)
		if twice := Make(once); twice != once {
			t.Errorf("Make(Make(%q)) = %q, want %q", in, twice, once)
		}
	}
}

func TestValid(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"hello-world", true},
		{"über-café", true},
		{"c-plus-plus", true},
		{"2026", true},
		{"", false},
		{"Hello", false},
		{"hello world", false},
		{"hello--world", false},
		{"-hello", false},
		{"hello-", false},
		{"a/b", false},
		{"..", false},
	}
	for _, tt := range tests {
		if got := Valid(tt.in); got != tt.want {
			t.Errorf("Valid(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func FuzzMake(f *testing.F) {
	for _, s := range []string{"", "Über Café", "C++", "a+b", "C#", "हिन्दी", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Make(s)
		if got == "" {
			return
		}
		if got[0] == '-' || got[len(got)-1] == '-' {
			t.Errorf("Make(%q) = %q, has a leading or trailing dash", s, got)
		}
		for _, c := range []string{"--", "/", "\\", ".", " ", "?", "#", "%"} {
			if strings.Contains(got, c) {
				t.Errorf("Make(%q) = %q, contains %q", s, got, c)
			}
		}
		if again := Make(got); again != got {
			t.Errorf("Make(Make(%q)) = %q, want %q", s, again, got)
		}
	})
}
