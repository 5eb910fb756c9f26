package audit

import (
	"encoding/json"
	"fmt"

	"github.com/agentiam/agentiam/eval/explain"
	"github.com/agentiam/agentiam/policy"
)

// Severity ranks findings; the zero value is Info.
type Severity uint8

// Severities, least severe first.
const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if int(s) < len(severityNames) {
		return severityNames[s]
	}
	return fmt.Sprintf("Severity(%d)", uint8(s))
}

// MarshalText renders the severity by name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// ParseSeverity reads a severity name.
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if n == name {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("%w: unknown severity %q (critical, high, medium, low or info)", ErrInput, name)
}

// Category groups findings by the risk they are.
type Category string

// Categories.
const (
	ConfusedDeputy      Category = "confused-deputy"
	OverPrivilegedAgent Category = "over-privileged-agent"
	PrivilegeEscalation Category = "privilege-escalation"
	DataExfiltration    Category = "data-exfiltration"
	CredentialExposure  Category = "credential-exposure"
	PublicAccess        Category = "public-access"
)

// Code identifies a kind of finding; Codes lists them.
type Code string

// Finding codes.
const (
	CodeAgentTrustConfusedDeputy Code = "agent-trust-confused-deputy"
	CodeAgentAdmin               Code = "agent-role-admin-equivalent"
	CodeAgentServiceWildcard     Code = "agent-role-service-wildcard"
	CodeAgentEveryModel          Code = "agent-role-every-model"
	CodeAgentIAMWrite            Code = "agent-role-iam-write"
	CodeAgentOtherMemory         Code = "agent-role-other-memory"
	CodeAgentOtherLogs           Code = "agent-role-other-logs"
	CodeAgentOtherRepository     Code = "agent-role-other-repository"
	CodeAgentTokenForUser        Code = "agent-role-token-for-any-user"
	CodePassAgentRole            Code = "pass-agent-role-escalation"
	CodeChangeAgentRole          Code = "change-agent-role-policies"
	CodeAgentDataRead            Code = "agent-role-reads-all-data"
	CodeAgentCredentialRead      Code = "agent-role-reads-all-credentials"
	CodePublicTrust              Code = "role-trust-public"
)

// Rule describes a code: its category, default severity and summary.
type Rule struct {
	Code     Code     `json:"code"`
	Category Category `json:"category"`
	Severity Severity `json:"severity"`
	Summary  string   `json:"summary"`
}

var rules = []Rule{
	{CodeAgentTrustConfusedDeputy, ConfusedDeputy, High, "an agent service can assume the role on behalf of another account's resources (no aws:SourceAccount / aws:SourceArn binding)"},
	{CodeAgentAdmin, OverPrivilegedAgent, Critical, "a role an agent service assumes is administrator-equivalent"},
	{CodeAgentServiceWildcard, OverPrivilegedAgent, High, "an agent role can manage Bedrock or AgentCore resources (bedrock:* / bedrock-agentcore:*)"},
	{CodeAgentEveryModel, OverPrivilegedAgent, Medium, "an agent role can invoke every foundation model"},
	{CodeAgentIAMWrite, OverPrivilegedAgent, Critical, "an agent role can write IAM (create roles, change policies)"},
	{CodeAgentOtherMemory, OverPrivilegedAgent, High, "an agent role can read or write other agents' AgentCore memories"},
	{CodeAgentOtherLogs, OverPrivilegedAgent, Medium, "an agent role can read other agents' logs"},
	{CodeAgentOtherRepository, OverPrivilegedAgent, Medium, "an agent role can pull or push other agents' container images"},
	{CodeAgentTokenForUser, OverPrivilegedAgent, High, "an agent role can get a workload access token for any user id (GetWorkloadAccessTokenForUserId on every workload identity)"},
	{CodePassAgentRole, PrivilegeEscalation, High, "a principal can pass an agent role to AgentCore or Bedrock and create or update compute that runs with it, gaining the role's permissions"},
	{CodeChangeAgentRole, PrivilegeEscalation, High, "a principal can change an agent role's policies or trust"},
	{CodeAgentDataRead, DataExfiltration, High, "an agent role can read every S3 object or decrypt with every KMS key of the account"},
	{CodeAgentCredentialRead, CredentialExposure, High, "an agent role can read every secret, parameter or credential provider token of the account"},
	{CodePublicTrust, PublicAccess, Critical, "any AWS account can assume the role"},
}

// Rules returns every rule, in a stable order.
func Rules() []Rule { return append([]Rule(nil), rules...) }

func ruleOf(c Code) Rule {
	for _, r := range rules {
		if r.Code == c {
			return r
		}
	}
	return Rule{Code: c}
}

// Finding is one risk, with the request that proves it.
type Finding struct {
	Code     Code     `json:"code"`
	Severity Severity `json:"severity"`
	Category Category `json:"category"`
	// Principal is the ARN of the role, user or group the finding is about.
	Principal string `json:"principal"`
	Account   string `json:"account"`
	// File is the input the account was read from.
	File    string `json:"file,omitempty"`
	Message string `json:"message"`
	// Example is a request the principal's effective permissions allow,
	// in the schema of `agentiam simulate --batch`.
	Example *Example `json:"example"`
	// Trace is the evaluator's explanation of the example's decision.
	Trace *explain.Trace `json:"trace,omitempty"`
	// Statements are the statements that allow the example: remove or
	// narrow them to fix the finding.
	Statements []StatementRef `json:"statements,omitempty"`
	// Target is the agent role a privilege-escalation finding reaches.
	Target string `json:"target,omitempty"`
	// Replacement is, for an over-privileged agent role that agentiam
	// would generate (Options.Generated), that role and the statements
	// to remove.
	Replacement *Replacement `json:"replacement,omitempty"`
}

// StatementRef names one statement of one policy.
type StatementRef struct {
	Policy string      `json:"policy"`
	Kind   policy.Kind `json:"kind"`
	Index  int         `json:"index"`
	Sid    string      `json:"sid,omitempty"`
	Line   int         `json:"line,omitempty"`
}

// Example is one request with every policy in force, as one line of
// `agentiam simulate --batch` reads it.
type Example struct {
	ID                 string               `json:"id"`
	Principal          string               `json:"principal"`
	Action             string               `json:"action"`
	Resource           string               `json:"resource"`
	Context            map[string][]string  `json:"context,omitempty"`
	IdentityPolicies   []*policy.Document   `json:"identityPolicies,omitempty"`
	ResourcePolicy     *policy.Document     `json:"resourcePolicy,omitempty"`
	PermissionBoundary *policy.Document     `json:"permissionBoundary,omitempty"`
	SCPs               [][]*policy.Document `json:"scps,omitempty"`
	RCPs               [][]*policy.Document `json:"rcps,omitempty"`
}

// Line returns the example as one JSON line (without newline).
func (e *Example) Line() ([]byte, error) { return json.Marshal(e) }

// Summary counts what the audit saw and found.
type Summary struct {
	Accounts   int `json:"accounts"`
	Roles      int `json:"roles"`
	Users      int `json:"users"`
	Groups     int `json:"groups"`
	AgentRoles int `json:"agentRoles"`
	Findings   int `json:"findings"`
	// BySeverity counts findings by severity name.
	BySeverity map[string]int `json:"bySeverity"`
	// Suppressed counts candidates that a policy would grant on its own,
	// but that an explicit deny, a permissions boundary, an organization
	// policy or a condition defeats; they are not reported.
	Suppressed int `json:"suppressed"`
	// SuppressedBy counts them by what defeats them.
	SuppressedBy map[string]int `json:"suppressedBy"`
	// Incomplete lists principals with a policy the input does not hold.
	Incomplete []string `json:"incomplete,omitempty"`
}

// Report is the result of an audit.
type Report struct {
	Findings []*Finding `json:"findings"`
	Summary  Summary    `json:"summary"`
	// Reach is which principals can reach which agent roles, for the
	// report's picture.
	Reach []Edge `json:"reach,omitempty"`
}

// Edge says that a principal can act as, or change, an agent role.
type Edge struct {
	From string   `json:"from"`
	To   string   `json:"to"`
	Kind EdgeKind `json:"kind"`
}
