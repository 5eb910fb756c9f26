package lint

import (
	"strings"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/policy"
)

// oidcProvider is a public OpenID Connect issuer of CI tokens: any
// GitHub repository's workflows get tokens from GitHub's issuer, any
// gitlab.com project's jobs from gitlab.com's. IAM checks a token's
// signature and audience, not whose repository it is: only a condition on
// the subject claim (issuer:sub) keeps other people's pipelines out.
type oidcProvider struct {
	// issuer is the issuer host, as in the provider ARN
	// oidc-provider/ISSUER and in condition keys ISSUER:sub. An issuer
	// path below it (GitHub Enterprise Cloud's unique issuer
	// token.actions.githubusercontent.com/ENTERPRISE) is the same provider.
	issuer string
	name   string // for messages: who can get its tokens
	// subjectPrefix starts the default subject claim, followed by the
	// owner (GitHub user or organization, gitlab.com top-level group),
	// which must be literal for the subject to restrict anything.
	subjectPrefix  string
	subjectExample string
	// audienceFix says which aud condition to add.
	audienceFix string
}

// oidcProviders are the issuers whose subject claim format is
// documented: GitHub Actions (docs.github.com, "Configuring OpenID
// Connect in Amazon Web Services") and GitLab CI/CD on gitlab.com
// (docs.gitlab.com, "Configure OpenID Connect in AWS"). Self-managed
// GitLab and other issuers are not checked: who can get their tokens
// depends on the installation.
var oidcProviders = []oidcProvider{
	{
		issuer:         "token.actions.githubusercontent.com",
		name:           "a GitHub Actions workflow of any GitHub repository",
		subjectPrefix:  "repo:",
		subjectExample: "repo:OWNER/REPOSITORY:ref:refs/heads/main",
		audienceFix:    `StringEquals %s "sts.amazonaws.com" (the audience aws-actions/configure-aws-credentials requests)`,
	},
	{
		issuer:         "gitlab.com",
		name:           "a CI/CD job of any gitlab.com project",
		subjectPrefix:  "project_path:",
		subjectExample: "project_path:GROUP/PROJECT:ref_type:branch:ref:main",
		audienceFix:    "StringEquals %s with the aud of the job's id_tokens (such as https://gitlab.com)",
	},
}

// webIdentityAction is what a Federated OIDC principal calls.
const webIdentityAction = "sts:AssumeRoleWithWebIdentity"

// checkOIDCTrust reports trust policy statements that let a public CI
// issuer's tokens assume the role without restricting their subject to
// the user's own repositories (oidc-trust-missing-sub) or their audience
// (oidc-trust-missing-aud).
func checkOIDCTrust(c *checker) {
	if c.typ != policy.Trust {
		return
	}
	for _, st := range c.statements() {
		if !allow(st) || st.Principal == nil || !allowsWebIdentity(st) {
			continue
		}
		for _, e := range st.Principal.Entries {
			if e.Type.Value != policy.PrincipalFederated {
				continue
			}
			for _, v := range e.Values.Values {
				issuer, p, ok := knownOIDCIssuer(v.Value)
				if !ok {
					continue
				}
				c.checkOIDCSubject(st, v, issuer, p)
				if aud := issuer + ":aud"; !hasRestrictingKey(st, aud) {
					c.report(CodeOIDCTrustMissingAud, st, v.Pos, "", "tokens of %s for any audience can assume this role; add "+p.audienceFix, issuer, aud)
				}
			}
		}
	}
}

// checkOIDCSubject reports a statement without a condition restricting
// issuer:sub to specific owners: at the first value that matches any
// owner, or at the principal when no condition names the key.
func (c *checker) checkOIDCSubject(st *policy.Statement, principal policy.String, issuer string, p oidcProvider) {
	key := issuer + ":sub"
	var open *policy.ConditionValue
	if st.Condition != nil {
		for _, op := range st.Condition.Operators {
			info, ok := parseOperator(op.Name.Value)
			if !ok || info.negated || info.ifExists || info.family != famString {
				continue
			}
			for _, k := range op.Keys {
				if !strings.EqualFold(k.Name.Value, key) || len(k.Values) == 0 {
					continue
				}
				// Values are alternatives: one that matches every owner
				// opens the role, whatever the others say. Conditions of
				// separate operators must all hold, so one restricting
				// operator is enough.
				restricted := true
				for i := range k.Values {
					if info.base == "StringLike" && anySubject(k.Values[i].Value, p.subjectPrefix) {
						restricted = false
						if open == nil {
							open = &k.Values[i]
						}
					}
				}
				if restricted {
					return
				}
			}
		}
	}
	if open != nil {
		c.report(CodeOIDCTrustMissingSub, st, open.Pos, "", "%q matches the subject of %s, so it can assume this role; name the owner, as in %q", open.Value, p.name, p.subjectExample)
		return
	}
	c.report(CodeOIDCTrustMissingSub, st, principal.Pos, "", "%s can assume this role: nothing restricts %s; add StringLike %s %q", p.name, key, key, p.subjectExample)
}

// anySubject reports whether a StringLike pattern matches subjects of
// any owner: a pattern of wildcards and separators only ("*", "repo:*"),
// or one whose owner, after the claim prefix, has a wildcard
// ("repo:*/app:*", "repo:octo*").
func anySubject(pattern, prefix string) bool {
	rest, ok := strings.CutPrefix(pattern, prefix)
	if !ok {
		return strings.Trim(pattern, "*?:/") == ""
	}
	owner := rest
	if i := strings.IndexAny(rest, "/:"); i >= 0 {
		owner = rest[:i]
	}
	return owner == "" || arn.HasWildcard(owner)
}

// allowsWebIdentity reports whether st allows sts:AssumeRoleWithWebIdentity.
func allowsWebIdentity(st *policy.Statement) bool {
	if st.Action != nil {
		for _, a := range st.Action.Values {
			if wildcardFold(a.Value, webIdentityAction) {
				return true
			}
		}
		return false
	}
	if st.NotAction == nil {
		return false
	}
	for _, a := range st.NotAction.Values {
		if wildcardFold(a.Value, webIdentityAction) {
			return false
		}
	}
	return true
}

// knownOIDCIssuer returns the issuer a Federated principal names (the
// provider ARN arn:aws:iam::ACCOUNT:oidc-provider/ISSUER or the bare
// issuer) when it is one of oidcProviders.
func knownOIDCIssuer(principal string) (string, oidcProvider, bool) {
	issuer := principal
	if a, err := arn.Parse(principal); err == nil {
		rest, ok := strings.CutPrefix(a.Resource, "oidc-provider/")
		if a.Service != "iam" || !ok {
			return "", oidcProvider{}, false
		}
		issuer = rest
	}
	for _, p := range oidcProviders {
		if strings.EqualFold(issuer, p.issuer) || len(issuer) > len(p.issuer) && strings.EqualFold(issuer[:len(p.issuer)+1], p.issuer+"/") {
			return issuer, p, true
		}
	}
	return "", oidcProvider{}, false
}
