package cli

import (
	"os"
	"path/filepath"
	"strings"
)

// outputHelp is the text every command with -o uses for it.
const outputHelp = "file to write, or a directory (an existing one, a path ending in /, or one without an extension) that receives %s; - for standard output"

// outputPath resolves -o the same way in every command: "-" is standard
// output (""), a directory (an existing one, a path ending in a
// separator, or a name without an extension) receives defaultName, and
// anything else is the file itself. dir is the directory to create.
func outputPath(o, defaultName string) (path, dir string) {
	if o == "" || o == "-" {
		return "", ""
	}
	if isOutputDir(o) {
		return filepath.Join(o, defaultName), o
	}
	return o, ""
}

func isOutputDir(o string) bool {
	if fi, err := os.Stat(o); err == nil {
		return fi.IsDir()
	}
	if strings.HasSuffix(o, "/") || strings.HasSuffix(o, string(filepath.Separator)) {
		return true
	}
	return filepath.Ext(o) == ""
}
