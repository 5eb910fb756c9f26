package verify

import (
	"errors"
	"fmt"
	"strings"

	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/prove"
)

// proof is prove's answer for one deployed statement: does it, alone,
// grant any request that the generated policies of its kind do not?
type proof struct {
	verdict         prove.Verdict
	counterexamples []prove.Request
	// reason says why the verdict is Unknown.
	reason string
}

// maxCounterexamples bounds the counterexamples prove returns per
// statement: at least one per new (action class, resource) region, up to
// this many.
const maxCounterexamples = 20

// proveStatement decides exactly whether st, alone in the place of its
// kind (within boundary, the deployed role's permissions boundary, for
// an identity statement), grants a request that the reference policies
// of that kind deny.
func proveStatement(st *policy.Statement, against policy.Kind, boundary *policy.Document, ref *Policies) proof {
	alone := policy.NewDocument(policy.CloneStatements([]*policy.Statement{st})...)
	alone.Source = "deployed statement"
	return proveDocs([]*policy.Document{alone}, boundary, against, ref)
}

// proveAllows decides whether the Allow statements of identity
// policies, together and within the boundary, grant a request that the
// reference denies. A PASS holds for each statement alone (each grants a
// part of what they grant together), so that one proof answers for all;
// Deny statements are left out because drift compares each Allow
// statement alone.
func proveAllows(named []Named, boundary *policy.Document, ref *Policies) proof {
	var allows []*policy.Statement
	for _, n := range named {
		if n.Document == nil {
			continue
		}
		for _, st := range n.Document.Statements {
			if st.Effect.Value == policy.EffectAllow {
				allows = append(allows, st)
			}
		}
	}
	if len(allows) == 0 {
		return proof{verdict: prove.Pass}
	}
	all := policy.NewDocument(policy.CloneStatements(allows)...)
	all.Source = "deployed statements"
	return proveDocs([]*policy.Document{all}, boundary, policy.Identity, ref)
}

// proveDocs decides exactly whether docs, in the place of their kind,
// grant a request that the reference policies of that kind deny:
// identity policies within boundary (nil: none) against the reference's
// identity policies within the reference's boundary, each side's
// effective permissions; a trust policy against the reference's trust
// policy, as a resource policy.
func proveDocs(docs []*policy.Document, boundary *policy.Document, against policy.Kind, ref *Policies) proof {
	var old []*policy.Document
	var res *prove.Result
	var err error
	opts := prove.Options{MaxCounterexamples: maxCounterexamples}
	switch against {
	case policy.Identity:
		for _, n := range ref.Identity {
			if n.Document != nil {
				old = append(old, n.Document)
			}
		}
		old = orNothing(old, docs[0].Version)
		res, err = prove.ProvePermissions(prove.Permissions{Identity: old, Boundary: ref.Boundary}, prove.Permissions{Identity: docs, Boundary: boundary}, opts)
	default:
		if ref.Trust != nil {
			old = append(old, ref.Trust)
		}
		opts.Kind = policy.Trust
		res, err = prove.ProveAll(orNothing(old, docs[0].Version), docs, opts)
	}
	if err != nil {
		if errors.Is(err, prove.ErrInput) {
			return proof{verdict: prove.Unknown, reason: err.Error()}
		}
		return proof{verdict: prove.Unknown, reason: "prove: " + err.Error()}
	}
	p := proof{verdict: res.Verdict, counterexamples: res.Counterexamples}
	if res.Verdict == prove.Unknown {
		var why []string
		for _, r := range res.Reasons {
			if r.Kind == prove.Inexact {
				why = append(why, r.Description)
			}
		}
		p.reason = strings.Join(why, "; ")
		if p.reason == "" {
			p.reason = "not every fragment could be decided exactly"
		}
	}
	return p
}

// orNothing is docs, or a policy that grants nothing when there are none.
func orNothing(docs []*policy.Document, version *policy.String) []*policy.Document {
	if len(docs) == 0 {
		return []*policy.Document{{Version: version, Source: "(nothing)"}}
	}
	return docs
}

// applyProof merges prove's answer into the sampled drift of a
// statement. A FAIL the sampler missed gets prove's counterexamples as
// its examples; a PASS clears a statement the sampler could not compare
// (NotAction, NotResource); an UNKNOWN keeps the sampled answer and says
// why. Sampled findings stay as they are: each is a request the
// evaluator confirmed against the generated role.
func applyProof(sd *StatementDrift, p proof) {
	switch p.verdict {
	case prove.Pass:
		sd.Proven = true
		if sd.Note != "" && sd.Count == 0 {
			sd.Note = ""
		}
	case prove.Fail:
		sd.Proven = true
		if sd.Count > 0 {
			return
		}
		sd.Note = ""
		sd.Count = len(p.counterexamples)
		for i := range p.counterexamples {
			if len(sd.Examples) == maxExamples {
				break
			}
			sd.Examples = append(sd.Examples, probeOf(&p.counterexamples[i]))
		}
	default:
		sd.Unknown = fmt.Sprintf("not proven, sampled instead: %s", p.reason)
	}
}

func probeOf(r *prove.Request) Probe {
	return Probe{Principal: r.Principal, Action: r.Action, Resource: r.Resource, ResourceAccount: r.ResourceAccount, Context: r.Context}
}
