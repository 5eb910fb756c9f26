package agentspec

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"sync"
)

// Name rules as the AWS APIs and the starter toolkit enforce them.
var (
	// AgentCore runtime names (toolkit AGENT_NAME_REGEX, CreateAgentRuntime).
	runtimeNameRE = lazyRegexp(`^[a-zA-Z][a-zA-Z0-9_]{0,47}$`)
	// Bedrock Agents names (CreateAgent agentName).
	bedrockAgentNameRE = lazyRegexp(`^([0-9a-zA-Z][_-]?){1,100}$`)
	accountRE          = lazyRegexp(`^[0-9]{12}$`)
	regionRE           = lazyRegexp(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)
	// IAM role and policy names.
	iamNameRE = lazyRegexp(`^[\w+=,.@-]{1,64}$`)
	// Ids AgentCore generates: a resource name, '-' and ten characters.
	agentCoreIDRE = lazyRegexp(`^[a-zA-Z][a-zA-Z0-9_]{0,47}-[a-zA-Z0-9]{10}$`)
	// Bedrock Agents agent and knowledge base ids.
	bedrockIDRE      = lazyRegexp(`^[0-9a-zA-Z]{10}$`)
	providerNameRE   = lazyRegexp(`^[a-zA-Z0-9_-]{1,128}$`)
	gatewayNameRE    = lazyRegexp(`^[0-9a-z](-?[0-9a-z]){0,99}$`)
	ecrRepositoryRE  = lazyRegexp(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`)
	bucketRE         = lazyRegexp(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	tableRE          = lazyRegexp(`^[a-zA-Z0-9_.-]{3,255}$`)
	secretNameRE     = lazyRegexp(`^[a-zA-Z0-9/_+=.@!*?-]{1,512}$`)
	ssmParameterRE   = lazyRegexp(`^/?[a-zA-Z0-9_.\-/*?]{1,1000}$`)
	codeBuildNameRE  = lazyRegexp(`^[A-Za-z0-9][A-Za-z0-9_-]{1,254}$`)
	callerNameRE     = lazyRegexp(`^[\w+=,.@-]{1,40}$`)
	ecrRepositoryURI = lazyRegexp(`^([0-9]{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/(.+)$`)
)

// PartitionOf returns the AWS partition a region belongs to.
func PartitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "us-isof-"), strings.HasPrefix(region, "eu-isof-"):
		return "aws-iso-f"
	case strings.HasPrefix(region, "eu-isoe-"):
		return "aws-iso-e"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "eusc-"):
		return "aws-eusc"
	}
	return "aws"
}

// SanitizeECRName turns an agent name into an ECR repository name part
// exactly as the starter toolkit's sanitize_ecr_repo_name does, so that
// default repository and CodeBuild project names match the toolkit's.
func SanitizeECRName(name string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(name) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '/' {
			b.WriteRune(c)
		} else {
			b.WriteByte('-')
		}
	}
	s := b.String()
	if s != "" && !isAlnum(s[0]) {
		s = "a" + s
	}
	s = collapseSeparators(s)
	s = strings.TrimRight(s, "-_")
	if len(s) < 2 {
		s += "-agent"
	}
	if len(s) > 200 {
		s = strings.TrimRight(s[:200], "-_")
	}
	return s
}

// collapseSeparators replaces every run of two or more '-'/'_' by one '-'
// (the toolkit's re.sub(r"[-_]{2,}", "-", name)).
func collapseSeparators(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '-' || s[i] == '_' {
			j := i
			for j < len(s) && (s[j] == '-' || s[j] == '_') {
				j++
			}
			if j-i >= 2 {
				b.WriteByte('-')
			} else {
				b.WriteByte(s[i])
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

func isAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// DefaultECRRepository is the repository the toolkit creates for an agent.
func DefaultECRRepository(agent string) string { return "bedrock-agentcore-" + SanitizeECRName(agent) }

// DefaultCodeBuildProject is the CodeBuild project the toolkit creates.
func DefaultCodeBuildProject(agent string) string {
	return "bedrock-agentcore-" + SanitizeECRName(agent) + "-builder"
}

// DefaultSourceBucket is the bucket the toolkit uploads build sources to.
func DefaultSourceBucket(account, region string) string {
	return "bedrock-agentcore-codebuild-sources-" + account + "-" + region
}

// DefaultGatewayName names an agent's gateway when the spec does not.
// Gateway names allow no '_' and agentiam keeps them lowercase, see gatewayNameRE.
func DefaultGatewayName(agent string) string {
	parts := strings.FieldsFunc(strings.ToLower(agent), func(c rune) bool { return c == '_' })
	return strings.Join(append(parts, "gateway"), "-")
}

// ToolkitSuffix is the starter toolkit's deterministic role name suffix:
// the first 10 hex digits of the SHA-256 of the agent name's UTF-8 bytes
// (hashlib.sha256(agent_name.encode()).hexdigest()[:10]).
func ToolkitSuffix(agent string) string {
	sum := sha256.Sum256([]byte(agent))
	return hex.EncodeToString(sum[:5])
}

// RuntimeRoleName is the toolkit's runtime execution role name.
func RuntimeRoleName(region, agent string) string {
	return "AmazonBedrockAgentCoreSDKRuntime-" + region + "-" + ToolkitSuffix(agent)
}

// CodeBuildRoleName is the toolkit's image-build role name.
func CodeBuildRoleName(region, agent string) string {
	return "AmazonBedrockAgentCoreSDKCodeBuild-" + region + "-" + ToolkitSuffix(agent)
}

// lazyRE is a regular expression compiled on first use. Counted
// repetitions such as {1,512} compile into large programs (5 ms and 22,000
// allocations for this package's set), which commands that never read a
// spec, such as version and lint, must not pay for at start-up.
type lazyRE struct {
	once sync.Once
	expr string
	re   *regexp.Regexp
}

func lazyRegexp(expr string) *lazyRE { return &lazyRE{expr: expr} }

func (l *lazyRE) get() *regexp.Regexp {
	l.once.Do(func() { l.re = regexp.MustCompile(l.expr) })
	return l.re
}

func (l *lazyRE) MatchString(s string) bool { return l.get().MatchString(s) }

func (l *lazyRE) FindStringSubmatch(s string) []string { return l.get().FindStringSubmatch(s) }
