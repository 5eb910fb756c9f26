package policy

// arena hands out the parser's small objects (strings, lists, statements,
// condition values) from shared chunks, so that a document costs a few
// allocations instead of a few per value: allocation was most of the
// time of decoding a large batch of distinct policies (issue 12). Every
// slice handed out has its capacity capped at its length, so appending
// to one never writes into another.
//
// Documents never share a chunk: a chunk lives as long as any value in
// it, so a document kept for long (a batch worker's cache) would pin the
// values of every short-lived document that shared its chunk, and the
// source text they point into.
type arena struct {
	strs  slab[String]
	lists slab[StringList]
	stmts slab[Statement]
	vals  slab[ConditionValue]
	keys  slab[ConditionKey]
	ops   slab[ConditionOperator]
	conds slab[Condition]
	// Scratch space for array values, copied out at the exact size to
	// save the allocations of growing each list; kept from one document
	// to the next.
	scratch struct {
		strs []String
		vals []ConditionValue
		keys []ConditionKey
		ops  []ConditionOperator
	}
}

// reset starts the chunks of a new document, sized for a source of n
// bytes: a generated load of policies has a string per 44 bytes, a list
// per 87 and a statement or condition value per 170 or so; the first
// chunk of each kind holds about two thirds of that, and a kind that
// runs short gets further chunks of half the previous one, so that
// little is allocated and left unused (a cached document keeps its
// chunks whole).
func (a *arena) reset(n int) {
	a.strs = newSlab[String](n / 64)
	a.lists = newSlab[StringList](n / 128)
	a.stmts = newSlab[Statement](n / 256)
	a.vals = newSlab[ConditionValue](n / 256)
	a.keys = newSlab[ConditionKey](n / 512)
	a.ops = newSlab[ConditionOperator](n / 512)
	a.conds = newSlab[Condition](n / 1024)
}

// slab hands out elements of one type from a first chunk of next
// elements and further ones each half the previous; a request larger
// than a quarter of a chunk gets its own allocation.
type slab[T any] struct {
	free []T
	next int
}

const (
	slabFirst = 4
	slabMax   = 512
)

func newSlab[T any](size int) slab[T] {
	return slab[T]{next: min(max(size, slabFirst), slabMax)}
}

// take returns n zero elements.
func (s *slab[T]) take(n int) []T {
	if n > len(s.free) {
		if s.next == 0 {
			s.next = slabFirst
		}
		if n > s.next/4 {
			return make([]T, n)
		}
		s.free = make([]T, s.next)
		s.next = max(s.next/2, slabFirst)
	}
	out := s.free[:n:n]
	s.free = s.free[n:]
	return out
}

// one returns a pointer to a new zero element.
func (s *slab[T]) one() *T { return &s.take(1)[0] }
