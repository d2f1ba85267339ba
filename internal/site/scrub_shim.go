package site

import "github.com/shiplog/shiplog/internal/imaging"

func scrubImage(name string, data []byte) ([]byte, error) {
	return imaging.Strip(imaging.FormatOf(name), data)
}

func checkAVIF(data []byte) error { return imaging.CheckAVIF(data) }

func jpegOrientation(head []byte) int {
	info, err := imaging.Inspect("x.jpg", head, imaging.Limits{})
	if err != nil {
		return 1
	}
	return info.Orientation
}
