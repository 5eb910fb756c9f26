package fixcore

// Verdict judges a change by the requests evaluated before and after it:
// the targets (the requests the change is for) must fail before it and
// pass after it; every other request that passed before must still pass.
// A request passes when its decision is the expected one (a forbidden
// request, or a probe next to a denied one, passes when it is denied).
type Verdict struct {
	// Unneeded are targets that already passed before the change.
	Unneeded []int `json:"-"`
	// StillFailing are targets that fail with the change.
	StillFailing []int `json:"stillFailing,omitempty"`
	// Regressions are other requests that passed before and fail with
	// the change: what the change grants or takes away beyond its targets.
	Regressions []int `json:"regressions,omitempty"`
}

// Record adds request i to the verdict.
func (v *Verdict) Record(i int, target, passedBefore, passesAfter bool) {
	switch {
	case target && passedBefore:
		v.Unneeded = append(v.Unneeded, i)
	case target && !passesAfter:
		v.StillFailing = append(v.StillFailing, i)
	case !target && passedBefore && !passesAfter:
		v.Regressions = append(v.Regressions, i)
	}
}

// Confirmed: every target fails before the change and passes after it,
// and no other request regresses.
func (v *Verdict) Confirmed() bool {
	return len(v.Unneeded) == 0 && len(v.StillFailing) == 0 && len(v.Regressions) == 0
}
