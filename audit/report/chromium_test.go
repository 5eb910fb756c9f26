package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/agentiam/agentiam/audit"
	"github.com/agentiam/agentiam/audit/report"
)

// installEnv, set to 1, lets TestHTMLInChromium install Debian's
// chromium package where it is missing (as root, with apt-get and a
// network to Debian's mirrors). Without it the test skips: go test ./...
// never changes the machine.
const installEnv = "AGENTIAM_INSTALL_CHROMIUM"

// chromium finds a headless-capable Chromium, installing Debian's
// package when installEnv asks for it, or skips the test.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	how := fmt.Sprintf("run %s=1 go test ./audit/report -run TestHTMLInChromium -v as root to install Debian's chromium", installEnv)
	if os.Getenv(installEnv) != "1" {
		t.Skipf("chromium is not installed; %s", how)
	}
	if os.Geteuid() != 0 {
		t.Skipf("chromium is not installed and installing it needs root; %s", how)
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		t.Skip("chromium is not installed and this machine has no apt-get (not Debian)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", "apt-get update -qq && apt-get install -y -qq chromium")
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("chromium could not be installed within 10 minutes (%v): %s", err, lastLines(out, 5))
	}
	p, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("apt-get installed chromium, yet it is not on PATH")
	}
	return p
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// headless runs Chromium headless on the page with args, within a minute.
func headless(t *testing.T, bin, dir string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + filepath.Join(dir, "profile")}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, lastLines(stderr.Bytes(), 10))
	}
	return out
}

// selftest is what the page's #selftest writes into <pre id="selftest">.
type selftest struct {
	Rows   int
	Checks []struct {
		Key, Value string
		Shown      int
		Wrong      int
		Count      string
	}
}

var selftestRE = regexp.MustCompile(`<pre id="selftest">([^<]*)</pre>`)

// TestHTMLInChromium renders the HTML report of the fixture account in
// headless Chromium: every finding is a row, filtering by each severity
// and category (the page's #selftest, read back from the DOM) shows
// exactly the findings of that severity or category, and a screenshot
// is kept in a directory the test logs.
func TestHTMLInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: starts a browser")
	}
	bin := chromium(t)
	src, err := os.ReadFile("../testdata/account.json")
	if err != nil {
		t.Fatal(err)
	}
	acct, err := audit.ReadDetails("account.json", src)
	if err != nil {
		t.Fatal(err)
	}
	r, err := audit.New(audit.Options{}).Audit(acct)
	if err != nil {
		t.Fatal(err)
	}
	// Kept after the test: the screenshot is its artifact.
	dir, err := os.MkdirTemp("", "agentiam-audit-html-")
	if err != nil {
		t.Fatal(err)
	}
	// The browser's profile is not an artifact.
	t.Cleanup(func() { os.RemoveAll(filepath.Join(dir, "profile")) })
	page := filepath.Join(dir, "report.html")
	var html bytes.Buffer
	if err := report.HTML(&html, r, "test"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, html.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := headless(t, bin, dir, "--dump-dom", "file://"+page+"#selftest")
	if got := bytes.Count(dom, []byte(`<tr class="finding"`)); got != len(r.Findings) || got == 0 {
		t.Errorf("rendered %d finding rows, want %d", got, len(r.Findings))
	}
	m := selftestRE.FindSubmatch(dom)
	if m == nil {
		t.Fatalf("the page's self-test wrote no result (did its script run?); DOM:\n%s", lastLines(dom, 20))
	}
	checkSelftest(t, r, m[1])
	shot := filepath.Join(dir, "report.png")
	headless(t, bin, dir, "--window-size=1280,1600", "--hide-scrollbars", "--screenshot="+shot, "file://"+page)
	png, err := os.ReadFile(shot)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) || len(png) < 10_000 {
		t.Fatalf("screenshot %s: %d bytes, err %v; want a PNG of the page", shot, len(png), err)
	}
	t.Logf("screenshot of the report (%d bytes): %s", len(png), shot)
}

// checkSelftest compares what the page showed for each filter with the
// report's own counts.
func checkSelftest(t *testing.T, r *audit.Report, raw []byte) {
	t.Helper()
	var st selftest
	if err := json.Unmarshal(unescapeHTML(raw), &st); err != nil {
		t.Fatalf("self-test result %s: %v", raw, err)
	}
	want := map[string]int{}
	for _, f := range r.Findings {
		want["severity="+f.Severity.String()]++
		want["category="+string(f.Category)]++
	}
	if st.Rows != len(r.Findings) || len(st.Checks) == 0 {
		t.Errorf("self-test saw %d rows and %d checks, want %d rows", st.Rows, len(st.Checks), len(r.Findings))
	}
	for _, c := range st.Checks {
		k := c.Key + "=" + c.Value
		if c.Shown != want[k] || c.Wrong != 0 || c.Count != fmt.Sprintf("%d of %d shown", want[k], len(r.Findings)) {
			t.Errorf("filter %s showed %d rows (%d not matching, %q), want %d", k, c.Shown, c.Wrong, c.Count, want[k])
		}
	}
}

var unescaper = strings.NewReplacer("&quot;", `"`, "&lt;", "<", "&gt;", ">", "&amp;", "&")

func unescapeHTML(b []byte) []byte { return []byte(unescaper.Replace(string(b))) }
