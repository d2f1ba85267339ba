package markdown

import (
	"bytes"
	"os"
	"strings"
)

// The txtar format (golang.org/x/tools/txtar), read and written here in a
// few lines rather than pulling in x/tools for a test.

type archive struct {
	comment []byte
	files   []archiveFile
}

type archiveFile struct {
	name string
	data []byte
}

func parseArchiveFile(name string) (*archive, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return parseArchive(data), nil
}

// parseArchive splits data at lines of the form "-- NAME --".
func parseArchive(data []byte) *archive {
	a := &archive{}
	var cur *archiveFile
	for len(data) > 0 {
		line, rest, _ := bytes.Cut(data, []byte("\n"))
		full := data[:len(data)-len(rest)]
		data = rest
		if s := string(line); strings.HasPrefix(s, "-- ") && strings.HasSuffix(s, " --") && len(s) > 6 {
			a.files = append(a.files, archiveFile{name: strings.TrimSpace(s[3 : len(s)-3])})
			cur = &a.files[len(a.files)-1]
			continue
		}
		if cur == nil {
			a.comment = append(a.comment, full...)
		} else {
			cur.data = append(cur.data, full...)
		}
	}
	return a
}

func formatArchive(a *archive) []byte {
	var b bytes.Buffer
	b.Write(nl(a.comment))
	for _, f := range a.files {
		b.WriteString("-- " + f.name + " --\n")
		b.Write(nl(f.data))
	}
	return b.Bytes()
}
