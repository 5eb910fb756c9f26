package lint

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/internal/suggest"
	"github.com/agentiam/agentiam/policy"
)

// Category groups rules in documentation and in SARIF.
type Category string

const (
	Grammar  Category = "grammar"
	Catalog  Category = "catalog"
	Security Category = "security"
	Agent    Category = "agent"
)

// Rule describes one stable diagnostic code. Codes never change meaning;
// docs/checks.md has one entry per code.
type Rule struct {
	Code     string
	Severity diag.Severity
	Category Category
	// Summary is one sentence, used as the SARIF rule description.
	Summary string
}

// Codes. The parser (package policy) reports the grammar codes of
// policy.Code*; the linter reports these.
const (
	CodeStatementNotInPolicy = "statement-not-in-policy"

	CodeMissingAction             = "missing-action"
	CodeMissingResource           = "missing-resource"
	CodeMissingPrincipal          = "missing-principal"
	CodePrincipalInIdentity       = "principal-in-identity-policy"
	CodeResourceInTrust           = "resource-in-trust-policy"
	CodeInvalidARNFormat          = "invalid-arn-format"
	CodeDuplicateSid              = "duplicate-sid"
	CodeInvalidSid                = "invalid-sid"
	CodeUnknownOperator           = "unknown-operator"
	CodeWildcardInExactOperator   = "wildcard-in-exact-operator"
	CodeMissingVersion            = "missing-version"
	CodeOldVersion                = "old-version"
	CodePlaceholderValue          = "placeholder-value"
	CodeUnknownServicePrefix      = "unknown-service-prefix"
	CodeUnknownAction             = "unknown-action"
	CodeWildcardMatchesNone       = "action-wildcard-matches-nothing"
	CodeUnknownConditionKey       = "unknown-condition-key"
	CodeOperatorTypeMismatch      = "operator-type-mismatch"
	CodeResourceARNMismatch       = "resource-arn-mismatch"
	CodeActionResourceMismatch    = "action-resource-mismatch"
	CodeConditionKeyNotApplicable = "condition-key-not-applicable"
	CodeSetOperatorMismatch       = "set-operator-mismatch"

	CodeWildcardActionAll          = "wildcard-action-all"
	CodeWildcardActionFullService  = "wildcard-action-full-service"
	CodeWildcardResourceSensitive  = "wildcard-resource-sensitive"
	CodeNotActionWithAllow         = "notaction-with-allow"
	CodePassRoleOnStar             = "passrole-on-star"
	CodePassRoleWithoutService     = "passrole-without-passedtoservice"
	CodeMissingConfusedDeputy      = "missing-confused-deputy-condition"
	CodePublicPrincipal            = "public-principal"
	CodePrivilegeEscalation        = "privilege-escalation"
	CodeDataAccessOnStar           = "data-access-on-star"
	CodeRedundantStatement         = "redundant-statement"
	CodePolicySizeOverQuota        = "policy-size-over-quota"
	CodeOIDCTrustMissingSub        = "oidc-trust-missing-sub"
	CodeOIDCTrustMissingAud        = "oidc-trust-missing-aud"
	CodeAgentTrustMissingSourceArn = "agent-trust-missing-source-arn"
	CodeProfileMissingModel        = "inference-profile-missing-foundation-model"
	CodeProfileMissingProfileARN   = "inference-profile-missing-profile-arn"
	CodeModelAccessNotScoped       = "model-access-not-scoped"
)

var rules = []Rule{
	{policy.CodeSyntaxError, diag.Error, Grammar, "The document is not valid JSON, or is too large or too deeply nested to be a policy."},
	{policy.CodeDuplicateKey, diag.Error, Grammar, "An object repeats a key; AWS keeps only one of them."},
	{policy.CodeUnknownElement, diag.Error, Grammar, "An element that the IAM policy grammar does not define."},
	{policy.CodeInvalidEffect, diag.Error, Grammar, "Effect is neither Allow nor Deny."},
	{policy.CodeMissingEffect, diag.Error, Grammar, "A statement has no Effect."},
	{policy.CodeInvalidVersion, diag.Error, Grammar, "Version is neither 2012-10-17 nor 2008-10-17."},
	{policy.CodeEmptyStatement, diag.Error, Grammar, "The policy has no statement, or a statement is empty."},
	{policy.CodeConflictingElements, diag.Error, Grammar, "A statement has both an element and its Not form (Action and NotAction, ...)."},
	{policy.CodeInvalidType, diag.Error, Grammar, "An element has the wrong JSON type (a number where a string is required, ...)."},
	{policy.CodeInvalidPrincipal, diag.Error, Grammar, "A Principal is malformed (unknown principal type, bad shape)."},
	{policy.CodeEmptyValue, diag.Error, Grammar, "An element is an empty string, array or object."},
	{CodeStatementNotInPolicy, diag.Error, Grammar, "The text is a statement, statements separated by commas or an array of statements, pasted without the policy around them."},
	{CodeMissingAction, diag.Error, Grammar, "A statement has neither Action nor NotAction."},
	{CodeMissingResource, diag.Error, Grammar, "A statement has neither Resource nor NotResource where the policy type requires one."},
	{CodeMissingPrincipal, diag.Error, Grammar, "A statement of a resource or trust policy has no Principal."},
	{CodePrincipalInIdentity, diag.Error, Grammar, "A policy attached to an identity (or an SCP, boundary or session policy) names a Principal."},
	{CodeResourceInTrust, diag.Error, Grammar, "A role trust policy has a Resource element, which IAM rejects."},
	{CodeInvalidARNFormat, diag.Error, Grammar, "A resource or principal is not a well-formed ARN (or account id, or *)."},
	{CodeDuplicateSid, diag.Error, Grammar, "Two statements have the same Sid."},
	{CodeInvalidSid, diag.Error, Grammar, "An IAM Sid contains characters other than ASCII letters and digits, or a Lambda statement id characters other than those and - and _."},
	{CodeUnknownOperator, diag.Error, Grammar, "A condition operator that AWS does not define."},
	{CodeWildcardInExactOperator, diag.Error, Grammar, "StringEquals, ArnEquals or a Not / IgnoreCase form compares a value holding * or ? as text, never as a pattern."},
	{CodeMissingVersion, diag.Warning, Grammar, "The policy has no Version, so policy variables are not substituted."},
	{CodeOldVersion, diag.Warning, Grammar, "Version 2008-10-17 does not support policy variables."},
	{CodePlaceholderValue, diag.Warning, Grammar, "A value is a documentation placeholder (YOUR_ACCOUNT_ID, region, <bucket>) that was never filled in."},

	{CodeUnknownServicePrefix, diag.Error, Catalog, "An action names a service prefix that does not exist."},
	{CodeUnknownAction, diag.Error, Catalog, "An action that the service does not have."},
	{CodeWildcardMatchesNone, diag.Error, Catalog, "An action pattern with wildcards matches no action of the service (or of any service)."},
	{CodeUnknownConditionKey, diag.Error, Catalog, "A condition key that is neither a global key nor a key of the service."},
	{CodeOperatorTypeMismatch, diag.Error, Catalog, "A condition operator does not fit the key's type or the value's form."},
	{CodeResourceARNMismatch, diag.Error, Catalog, "No action of the statement supports this resource ARN, so it grants nothing."},
	{CodeActionResourceMismatch, diag.Error, Catalog, "None of the statement's resources can match this action, so the statement grants nothing for it."},
	{CodeConditionKeyNotApplicable, diag.Warning, Catalog, "No action of the statement supports this service condition key, so the condition never matches."},
	{CodeSetOperatorMismatch, diag.Warning, Catalog, "ForAllValues/ForAnyValue on a single-valued key, or a single-value operator on a multivalued key."},

	{CodeWildcardActionAll, diag.Error, Security, "Allow of every action (\"*\")."},
	{CodeWildcardActionFullService, diag.Warning, Security, "Allow of every action of a service (bedrock:*)."},
	{CodeWildcardResourceSensitive, diag.Warning, Security, "Write, Permissions management or Tagging actions allowed on Resource \"*\" or a pattern matching every resource of their kind."},
	{CodeNotActionWithAllow, diag.Warning, Security, "NotAction with Allow grants every other action, including future ones."},
	{CodePassRoleOnStar, diag.Error, Security, "iam:PassRole allowed on every role (\"*\", arn:aws:iam::*:role/*)."},
	{CodePassRoleWithoutService, diag.Warning, Security, "iam:PassRole without an iam:PassedToService condition."},
	{CodeMissingConfusedDeputy, diag.Warning, Security, "A service principal is trusted without aws:SourceAccount, aws:SourceArn or aws:SourceOrgID."},
	{CodePublicPrincipal, diag.Error, Security, "Principal \"*\" is allowed without a condition that restricts who can use it."},
	{CodePrivilegeEscalation, diag.Error, Security, "Actions that let the holder grant itself more permissions, on broad resources."},
	{CodeDataAccessOnStar, diag.Warning, Security, "Data-reading actions (S3 objects, secrets, parameters, KMS decryption) allowed on Resource \"*\" or a pattern matching every resource of their kind."},
	{CodeRedundantStatement, diag.Info, Security, "A statement grants nothing that another statement, or the other Allow statements together, do not already grant."},
	{CodePolicySizeOverQuota, diag.Error, Security, "The policy is longer than the IAM quota for its kind."},
	{CodeOIDCTrustMissingSub, diag.Error, Security, "A role trusts GitHub Actions or gitlab.com OIDC tokens without restricting their subject, so any repository's pipeline can assume it."},
	{CodeOIDCTrustMissingAud, diag.Warning, Security, "A role trusts GitHub Actions or gitlab.com OIDC tokens without a condition on their audience."},

	{CodeAgentTrustMissingSourceArn, diag.Warning, Agent, "A role trusts bedrock-agentcore.amazonaws.com or bedrock.amazonaws.com without an aws:SourceArn condition."},
	{CodeProfileMissingModel, diag.Warning, Agent, "A cross-region inference profile is granted without the foundation models of its destination regions."},
	{CodeProfileMissingProfileARN, diag.Warning, Agent, "An inference profile is used but its own ARN is not granted."},
	{CodeModelAccessNotScoped, diag.Warning, Agent, "Model invocation is allowed on every foundation model (\"*\" or foundation-model/*) of every provider."},
}

var rulesByCode = func() map[string]*Rule {
	m := make(map[string]*Rule, len(rules))
	for i := range rules {
		m[rules[i].Code] = &rules[i]
	}
	return m
}()

// Rules returns every rule, sorted by code.
func Rules() []Rule {
	out := append([]Rule(nil), rules...)
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// LookupRule returns the rule for a code.
func LookupRule(code string) (Rule, bool) {
	r, ok := rulesByCode[code]
	if !ok {
		return Rule{}, false
	}
	return *r, true
}

// CheckCode reports whether code is a registered code, with a "did you
// mean" in the error when it is not (for --ignore and the configuration).
func CheckCode(code string) error {
	if _, ok := LookupRule(code); ok {
		return nil
	}
	msg := fmt.Sprintf("unknown code %q", code)
	codes := make([]string, len(rules))
	for i, r := range rules {
		codes[i] = r.Code
	}
	s := ""
	for _, c := range codes {
		if code != "" && strings.Contains(c, code) && (s == "" || len(c) < len(s)) {
			s = c
		}
	}
	if s == "" {
		slices.Sort(codes) // the first of equally close codes, alphabetically
		s, _ = suggest.Within(codes, code, 4)
	}
	if s != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", s)
	}
	return errors.New(msg)
}
