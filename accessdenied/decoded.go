package accessdenied

import (
	"encoding/json"
	"fmt"
	"strings"
)

// encodedMarker starts the encoded form of an authorization failure that
// some services (EC2's UnauthorizedOperation) return instead of, or
// besides, the readable message.
const encodedMarker = "Encoded authorization failure message:"

// decodeAdvice says how to read an encoded message (STS API Reference,
// DecodeAuthorizationMessage:
// https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html).
const decodeAdvice = "decode it with `aws sts decode-authorization-message --encoded-message ENCODED --query DecodedMessage --output text` " +
	"(the caller needs sts:DecodeAuthorizationMessage) and give the decoded JSON, or the command's whole output"

// decoded is an authorization message as DecodeAuthorizationMessage
// returns it: whether the request was allowed, whether an explicit deny
// decided it, and the request: principal, action, resource and the
// values of its condition keys. The STS API Reference prints booleans
// as strings and each condition as {"item": {"key", "values": [...]}};
// the service returns booleans and {"items": [{"key", "values":
// {"items": [{"value"}]}}]}: both are read.
type decoded struct {
	Allowed      flexBool `json:"allowed"`
	ExplicitDeny flexBool `json:"explicitDeny"`
	Context      *struct {
		Principal struct {
			ARN string `json:"arn"`
		} `json:"principal"`
		Action     string          `json:"action"`
		Resource   string          `json:"resource"`
		Conditions json.RawMessage `json:"conditions"`
	} `json:"context"`
}

// flexBool is a JSON boolean, or a string "true" or "false".
type flexBool bool

func (b *flexBool) UnmarshalJSON(data []byte) error {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	switch v := v.(type) {
	case bool:
		*b = flexBool(v)
	case string:
		*b = flexBool(strings.EqualFold(v, "true"))
	}
	return nil
}

// parseDecoded reads a decoded authorization message, bare or as the
// output of aws sts decode-authorization-message ({"DecodedMessage":
// "..."}). ok is false when text is neither, so that other readers may
// try; a decoded message of an allowed request is an error.
func parseDecoded(text string) (m Message, ok bool, err error) {
	var wrapper struct {
		DecodedMessage *string `json:"DecodedMessage"`
	}
	if json.Unmarshal([]byte(text), &wrapper) == nil && wrapper.DecodedMessage != nil {
		text = *wrapper.DecodedMessage
	}
	var d decoded
	if json.Unmarshal([]byte(text), &d) != nil || d.Context == nil || d.Context.Action == "" {
		return Message{}, false, nil
	}
	if d.Allowed {
		return Message{}, true, fmt.Errorf("%w: the decoded authorization message says the request was allowed", ErrUnrecognized)
	}
	c := d.Context
	if !strings.Contains(c.Action, ":") {
		return Message{}, true, fmt.Errorf("%w: %q in the decoded authorization message is not a service:Action name", ErrUnrecognized, c.Action)
	}
	m = Message{
		Principal: c.Principal.ARN, Action: c.Action, Resource: c.Resource,
		Explicit: bool(d.ExplicitDeny), Decoded: true, Context: decodedConditions(c.Conditions),
	}
	return m, true, nil
}

// decodedConditions reads the condition keys of a decoded message in
// either of its two shapes (see decoded); keys it cannot read are left out.
func decodedConditions(raw json.RawMessage) map[string][]string {
	type pair struct {
		Key    string          `json:"key"`
		Values json.RawMessage `json:"values"`
	}
	var pairs []pair
	var service struct {
		Items []pair `json:"items"`
	}
	var reference []struct {
		Item pair `json:"item"`
	}
	switch {
	case json.Unmarshal(raw, &service) == nil && service.Items != nil:
		pairs = service.Items
	case json.Unmarshal(raw, &reference) == nil:
		for _, r := range reference {
			pairs = append(pairs, r.Item)
		}
	}
	out := map[string][]string{}
	for _, p := range pairs {
		if p.Key == "" {
			continue
		}
		if vs := decodedValues(p.Values); len(vs) > 0 {
			out[p.Key] = append(out[p.Key], vs...)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// decodedValues reads ["a", "b"] or {"items": [{"value": "a"}, ...]}.
func decodedValues(raw json.RawMessage) []string {
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	var items struct {
		Items []struct {
			Value string `json:"value"`
		} `json:"items"`
	}
	if json.Unmarshal(raw, &items) != nil {
		return nil
	}
	for _, it := range items.Items {
		list = append(list, it.Value)
	}
	return list
}
