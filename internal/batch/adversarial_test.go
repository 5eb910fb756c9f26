package batch

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"unsafe"
)

// adversarialLines are lines meant to catch a cache or reused memory
// that answers one line with what belongs to another: policies that
// share their first prefixLen bytes and differ after them (one of them
// the other with a statement more), the same texts in fields of other
// kinds (valid in some, refused in others), texts followed by junk or
// cut short where a cached text would match, malformed lines between
// good ones, blanks and a CR before the end, and a line with a policy
// far longer than the others. Each text repeats, so that it is cached
// from its second line on.
func adversarialLines() []string {
	sid := strings.Repeat("S", prefixLen)
	stmt := func(effect, action string) string {
		return `{"Sid":"` + sid + `","Effect":"` + effect + `","Action":"` + action + `","Resource":"*"}`
	}
	doc := func(stmts ...string) string {
		return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
	}
	allowGet := doc(stmt("Allow", "s3:GetObject"))
	denyGet := doc(stmt("Deny", "s3:GetObject"))
	allowPut := doc(stmt("Allow", "s3:PutObject"))
	allowGetDenyGet := doc(stmt("Allow", "s3:GetObject"), stmt("Deny", "s3:GetObject"))
	trust := `{"Version":"2012-10-17","Statement":[{"Sid":"` + sid + `","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:GetObject","Resource":"*"}]}`
	short := `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	var many []string
	for i := range 2000 {
		many = append(many, stmt("Allow", fmt.Sprintf("s3:Get%d", i)))
	}
	long := doc(append(many, stmt("Allow", "s3:GetObject"))...)

	head := `{"id":"%s","principal":"arn:aws:iam::111122223333:role/app","action":"s3:GetObject","resource":"arn:aws:s3:::b/k"`
	line := func(id, rest string) string { return fmt.Sprintf(head, id) + rest + `}` }
	var bodies []string
	for _, p := range []string{allowGet, denyGet, allowPut, allowGetDenyGet, trust, short} {
		bodies = append(bodies,
			`,"identityPolicies":[`+p+`]`,
			`,"identityPolicies":[`+allowGet+`,`+p+`]`,
			`,"identityPolicies":[ `+p+` , null ]`,
			`,"identityPolicies":[`+allowGet+`],"resourcePolicy":`+p,
			`,"identityPolicies":[`+allowGet+`],"permissionBoundary":`+p,
			`,"identityPolicies":[`+allowGet+`],"sessionPolicy": `+p+` `,
			`,"identityPolicies":[`+allowGet+`],"vpcEndpointPolicy":`+p,
			`,"identityPolicies":[`+allowGet+`],"scps":[[`+p+`],[`+allowGet+`,`+p+`]]`,
			`,"identityPolicies":[`+allowGet+`],"rcps":[[`+p+`]]`,
			`,"resourcePolicy":`+trust+`,"scps":[[`+p+`]]`,
			// A cached text followed by junk, or cut short, is not the policy.
			`,"identityPolicies":[`+p+`x]`,
			`,"identityPolicies":[`+p[:len(p)-1]+`]`,
			`,"resourcePolicy":`+p+`}`,
			`,"resourcePolicy":`+p[:len(p)-2]+`}`,
		)
	}
	bodies = append(bodies, `,"identityPolicies":[`+long+`]`, `,"identityPolicies":[`+allowGet+`],"scps":[[`+long+`]]`)
	var lines []string
	for round := range 3 {
		for i, b := range bodies {
			id := fmt.Sprintf("r%d-%d", round, i)
			lines = append(lines, line(id, b))
			switch i % 5 {
			case 0:
				lines = append(lines, line(id+"-bad", b)[:len(line(id, b))/2]) // cut short
			case 1:
				lines = append(lines, `{"id":"`+id+`-bad","bogus":`+allowGet+`}`)
			case 2:
				lines = append(lines, "  "+line(id+"-ws", b)+" \r")
			case 3:
				lines = append(lines, `not json `+b)
			}
		}
	}
	return lines
}

// TestAdversarialLines: a worker that answers the adversarial lines one
// after another from a buffer it overwrites, and workers that share one
// cache and answer them concurrently, give for every line what a fresh
// worker gives (traces included, which name each policy's field).
func TestAdversarialLines(t *testing.T) {
	lines := adversarialLines()
	want := make([]string, len(lines))
	for i, l := range lines {
		want[i] = string(NewWorker(true).AppendLine(nil, l))
	}
	w := NewWorker(true)
	for i, l := range lines {
		if got := string(w.AppendLine(nil, scribbled(l))); got != want[i] {
			t.Fatalf("line %d %.200s\nin sequence: %.300s\nfresh:       %.300s", i, l, got, want[i])
		}
	}
	const workers = 4
	cache := NewCache()
	got := make([]string, len(lines))
	var wg sync.WaitGroup
	for k := range workers {
		wg.Go(func() {
			w := cache.NewWorker(true)
			for round := range 2 {
				for i := k; i < len(lines); i += workers {
					out := string(w.AppendLine(nil, lines[i]))
					if round == 1 {
						got[i] = out
					}
				}
			}
		})
	}
	wg.Wait()
	for i := range lines {
		if got[i] != want[i] {
			t.Fatalf("line %d %.200s\nshared cache: %.300s\nfresh:        %.300s", i, lines[i], got[i], want[i])
		}
	}
}

// scribbled returns a copy of s that is overwritten with 'x' as soon as
// the next call of scribbled, as the CLI reuses its input buffers.
func scribbled(s string) string {
	for i := range scribbleBuf {
		scribbleBuf[i] = 'x'
	}
	scribbleBuf = append(scribbleBuf[:0], s...)
	return unsafe.String(unsafe.SliceData(scribbleBuf), len(scribbleBuf))
}

var scribbleBuf []byte

// TestCacheEviction: more distinct policies than the cache and the set
// of texts seen once hold, each seen twice in a row (so cached), then
// all of them again after the cache evicted some on the way: every line
// gets what a fresh worker gives it.
func TestCacheEviction(t *testing.T) {
	const n = maxCachedPolicies + maxCachedPolicies/2
	effects := [...]string{`"Allow","Action":"s3:GetObject"`, `"Deny","Action":"s3:GetObject"`, `"Allow","Action":"s3:PutObject"`}
	lines := make([]string, n)
	for i := range lines {
		pad := ""
		if i%2 == 0 { // half of them long enough to be found from where they start
			pad = strings.Repeat("p", prefixLen)
		}
		lines[i] = fmt.Sprintf(`{"id":"%d","principal":"arn:aws:iam::111122223333:role/app","action":"s3:GetObject","resource":"*","identityPolicies":[{"Statement":[{"Sid":"%s%d","Effect":%s,"Resource":"*"}]}]}`, i, pad, i, effects[i%len(effects)])
	}
	want := make([]string, n)
	for i, l := range lines {
		want[i] = string(NewWorker(true).AppendLine(nil, l))
	}
	w := NewWorker(true)
	check := func(pass, i int) {
		if got := string(w.AppendLine(nil, scribbled(lines[i]))); got != want[i] {
			t.Fatalf("pass %d, line %d: got %.300s\nwant %.300s", pass, i, got, want[i])
		}
	}
	for i := range lines {
		check(0, i)
		check(1, i)
	}
	for i := range lines {
		check(2, i)
	}
	held := len(w.cache.short)
	for _, e := range w.cache.long {
		for ; e != nil; e = e.next {
			held++
		}
	}
	if held > maxCachedPolicies || held != w.cache.count {
		t.Errorf("the cache holds %d policies (counted %d) after %d distinct ones, at most %d", held, w.cache.count, n, maxCachedPolicies)
	}
}

// TestCacheMemoryBound: distinct policies of many short values (whose
// compiled form and document take some twenty times their text), each
// seen twice, until they took three times maxCachedBytes of memory: each
// is cached once seen twice, the cache counts each policy's text and
// memory (eval.Policy.Bytes), never holds more than maxCachedBytes of it
// and evicts no more than it needs, and still answers the line that
// repeats a policy with what a fresh worker gives it.
func TestCacheMemoryBound(t *testing.T) {
	acts := make([]string, 40)
	for j := range acts {
		acts[j] = fmt.Sprintf(`"s%d:A%d"`, j%7, j)
	}
	stmts := make([]string, 20)
	w := NewWorker(false)
	held := func() (bytes int) {
		for k, p := range w.cache.short {
			bytes += len(k.text) + p.Bytes()
		}
		for _, e := range w.cache.long {
			for ; e != nil; e = e.next {
				bytes += len(e.text) + e.p.Bytes()
			}
		}
		return bytes
	}
	for i, total := 0, 0; total < 3*maxCachedBytes; i++ {
		for j := range stmts {
			stmts[j] = fmt.Sprintf(`{"Sid":"P%dS%d","Effect":"Allow","Action":[%s],"Resource":"*"}`, i, j, strings.Join(acts, ","))
		}
		pol := `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
		line := fmt.Sprintf(`{"id":"%d","principal":"arn:aws:iam::111122223333:role/app","action":"s%d:A%d","resource":"*","identityPolicies":[%s]}`, i, i%7, i%40, pol)
		want := string(NewWorker(false).AppendLine(nil, line))
		w.AppendLine(nil, scribbled(line))
		if got := string(w.AppendLine(nil, scribbled(line))); got != want {
			t.Fatalf("line %d, seen again: got %.300s\nwant %.300s", i, got, want)
		}
		p := w.cache.get("identityPolicies[0]", pol)
		if p == nil {
			t.Fatalf("line %d: a policy seen twice is not cached", i)
		}
		total += len(pol) + p.Bytes()
		if h := held(); h != w.cache.bytes || h > maxCachedBytes {
			t.Fatalf("line %d: the cache holds %d bytes of policies (counted %d), at most %d", i, h, w.cache.bytes, maxCachedBytes)
		}
	}
	if w.cache.bytes < maxCachedBytes*3/4 { // each policy takes some 200 KB
		t.Errorf("the cache holds %d bytes of policies after evicting, want it nearly full (%d): evicting made more room than needed", w.cache.bytes, maxCachedBytes)
	}
}

// TestSeenBeforeLookalikes: two texts alike in what seenBefore hashes
// (field, length, first prefixLen and last 64 bytes) but different in
// between are never taken for each other: the second is cached on first
// sight, under its own whole text, and each line keeps its own answer.
func TestSeenBeforeLookalikes(t *testing.T) {
	pad := strings.Repeat("p", prefixLen)
	tail := strings.Repeat("t", 64)
	pol := func(action string) string {
		return `{"Version":"2012-10-17","Statement":[{"Sid":"` + pad + `","Effect":"Allow","Action":"` + action + `","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/x":"` + tail + `"}}}]}`
	}
	get, put := pol("s3:GetObject"), pol("s3:PutObject")
	if len(get) != len(put) || get[:prefixLen] != put[:prefixLen] || get[len(get)-64:] != put[len(put)-64:] {
		t.Fatal("the two texts must share their length, head and tail")
	}
	line := func(p string) string {
		return `{"id":"x","principal":"arn:aws:iam::111122223333:role/app","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","identityPolicies":[` + p + `]}`
	}
	w := NewWorker(false)
	for i, tt := range []struct{ pol, want string }{{get, "Allowed"}, {put, "ImplicitlyDenied"}, {get, "Allowed"}, {put, "ImplicitlyDenied"}, {get, "Allowed"}} {
		if got := string(w.AppendLine(nil, scribbled(line(tt.pol)))); got != `{"id":"x","decision":"`+tt.want+`"}`+"\n" {
			t.Errorf("line %d (%s): %s", i, tt.pol[prefixLen+40:prefixLen+60], got)
		}
	}
	if w.cache.get("identityPolicies[0]", get) == nil || w.cache.get("identityPolicies[0]", put) == nil {
		t.Error("both texts should be cached after a lookalike pair")
	}
}
