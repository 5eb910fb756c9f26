package prove

import (
	"slices"
	"strings"

	"github.com/agentiam/agentiam/policy"
)

// Fresh names: principals that no policy names.
const (
	freshAccount = "444455556666"
	freshName    = "agentiam-prove"
	freshSession = "agentiam-prove-session"
	freshService = "agentiam-prove.amazonaws.com"
	freshIdP     = "idp.agentiam-prove.example"
)

// principalWitnesses returns the request principals that the Principal /
// NotPrincipal elements of the statements tell apart: eval compares
// principals by kind, partition, account, name and session name, each by
// equality, so every named value and one fresh value of each suffice.
// For every account named (and a fresh one) and every partition named
// (and aws): its root, a user, a role, a session of the role and a
// federated user, with each name the policies give and a fresh one; and
// every service and identity provider named, and a fresh one of each.
// Principals that conditions on principal keys name count as named.
func principalWitnesses(stmts []*stmt) []string {
	accounts := map[string]bool{freshAccount: true}
	partitions := map[string]bool{"aws": true}
	users, roles, sessions, feds := map[string]bool{freshName: true}, map[string]bool{freshName: true}, map[string]bool{freshSession: true}, map[string]bool{freshName: true}
	out := []string{freshService, freshIdP}
	conds, services := conditionPrincipals(stmts)
	for _, v := range conds {
		namedAWS(v, accounts, partitions, users, roles, sessions, feds)
	}
	out = append(out, services...)
	for _, s := range stmts {
		if s.principal == nil {
			continue
		}
		for _, e := range s.principal.Entries {
			for _, v := range e.Values.Strings() {
				switch e.Type.Value {
				case policy.PrincipalService, policy.PrincipalFederated:
					out = append(out, v)
				case policy.PrincipalAWS:
					namedAWS(v, accounts, partitions, users, roles, sessions, feds)
				}
			}
		}
	}
	for _, part := range sortedKeys(partitions) {
		for _, acct := range sortedKeys(accounts) {
			base := "arn:" + part + ":iam::" + acct + ":"
			out = append(out, base+"root")
			for _, u := range sortedKeys(users) {
				out = append(out, base+"user/"+u)
			}
			for _, r := range sortedKeys(roles) {
				out = append(out, base+"role/"+r)
				for _, se := range sortedKeys(sessions) {
					out = append(out, "arn:"+part+":sts::"+acct+":assumed-role/"+r+"/"+se)
				}
			}
			for _, f := range sortedKeys(feds) {
				out = append(out, "arn:"+part+":sts::"+acct+":federated-user/"+f)
			}
		}
		if part == "aws" {
			for _, acct := range sortedKeys(accounts) {
				out = append(out, acct)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// namedAWS records the parts of an "AWS" principal value.
func namedAWS(v string, accounts, partitions, users, roles, sessions, feds map[string]bool) {
	if isAccount(v) {
		accounts[v] = true
		return
	}
	rest, ok := strings.CutPrefix(v, "arn:")
	if !ok {
		return
	}
	parts := strings.SplitN(rest, ":", 5)
	if len(parts) != 5 {
		return
	}
	partitions[parts[0]] = true
	if parts[3] != "" {
		accounts[parts[3]] = true
	}
	res := parts[4]
	switch {
	case strings.HasPrefix(res, "user/"):
		users[res[len("user/"):]] = true
	case strings.HasPrefix(res, "role/"):
		roles[res[len("role/"):]] = true
	case strings.HasPrefix(res, "assumed-role/"):
		r, se, _ := strings.Cut(res[len("assumed-role/"):], "/")
		roles[r], sessions[se] = true, true
	case strings.HasPrefix(res, "federated-user/"):
		feds[res[len("federated-user/"):]] = true
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
