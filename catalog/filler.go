package catalog

import (
	"errors"
	"fmt"
)

// ErrUnknownResourceType is wrapped when a service has no resource type of
// the name asked for.
var ErrUnknownResourceType = errors.New("unknown resource type")

// Filler writes ARNs from the catalog's ARN templates, so that the
// generator and the verifier never type an ARN format by hand. It fills the ARN templates of catalog resource types, remembering
// the types it has looked up. It is not safe for concurrent use.
type Filler struct {
	types map[string]*template
}

// template is a catalog resource type and the names of its variables
// other than Partition, Region and Account, in order.
type template struct {
	rt  *ResourceType
	ids []string
}

// ARN formats the template of service's resourceType (catalog names, such
// as "bedrock-agentcore" and "memory"); ids fill the template's own
// variables (MemoryId, BucketName ...) in order. The partition, region
// and account are used where the template has them.
func (f *Filler) ARN(partition, region, account, service, resourceType string, ids ...string) (string, error) {
	t, err := f.template(service, resourceType)
	if err != nil {
		return "", err
	}
	if len(ids) != len(t.ids) {
		return "", fmt.Errorf("%s %s takes %d ids (%v), got %d", service, resourceType, len(t.ids), t.ids, len(ids))
	}
	vars := map[string]string{"Partition": partition, "Region": region, "Account": account}
	for i, name := range t.ids {
		vars[name] = ids[i]
	}
	return t.rt.FormatARN(vars)
}

func (f *Filler) template(service, resourceType string) (*template, error) {
	key := service + "/" + resourceType
	if t, ok := f.types[key]; ok {
		return t, nil
	}
	svc, ok := Lookup(service)
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownService, service)
	}
	rt, ok := svc.ResourceType(resourceType)
	if !ok {
		return nil, fmt.Errorf("%w: service %s has no resource type %q", ErrUnknownResourceType, service, resourceType)
	}
	t := &template{rt: rt}
	for _, v := range rt.Variables() {
		if v != "Partition" && v != "Region" && v != "Account" {
			t.ids = append(t.ids, v)
		}
	}
	if f.types == nil {
		f.types = map[string]*template{}
	}
	f.types[key] = t
	return t, nil
}
