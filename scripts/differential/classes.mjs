// Known classes of disagreement between agentiam and iam-simulate, each
// with the documented rule agentiam follows (docs/oracle-disagreements.md
// explains them; eval/testdata/conformance holds a case for each). A
// class matches a disagreement from the request alone (plus both answers);
// the first class that matches wins. A disagreement no class matches is
// unexplained, and differential.mjs --classify fails on it.

const IAM = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/'

// policies lists every policy document of a request line.
function policies(c) {
  const out = [...(c.identityPolicies || [])]
  for (const k of ['resourcePolicy', 'permissionBoundary', 'sessionPolicy']) if (c[k]) out.push(c[k])
  for (const level of [...(c.scps || []), ...(c.rcps || [])]) out.push(...level)
  return out
}

const list = (v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v])

function statements(c) {
  return policies(c).flatMap((p) => list(p.Statement))
}

// conditions yields [operator, key, values] for every condition of the request's policies.
function conditions(c) {
  const out = []
  for (const st of statements(c)) {
    for (const [op, keys] of Object.entries(st.Condition || {})) {
      for (const [key, values] of Object.entries(keys || {})) out.push([op, key, list(values)])
    }
  }
  return out
}

function contextValue(c, key) {
  const ctx = c.context || {}
  const k = Object.keys(ctx).find((x) => x.toLowerCase() === key.toLowerCase())
  return k === undefined ? undefined : ctx[k]
}

const baseOperator = (op) => op.replace(/^for(all|any)values?:/i, '').replace(/ifexists$/i, '').toLowerCase()
const hasSetOperator = (op) => /^for(all|any)values?:/i.test(op)

function parsesFor(base, v) {
  if (base.startsWith('numeric')) return v !== '' && !Number.isNaN(Number(v))
  if (base.startsWith('date')) return /^\d+(\.\d+)?$/.test(v) || !Number.isNaN(Date.parse(v))
  if (base.endsWith('ipaddress')) return /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(v) && (!v.includes('/') || Number(v.split('/')[1]) <= (v.includes(':') ? 128 : 32))
  return true
}

// crossingStar reports whether a Resource pattern has a '*' ending one of
// the first five segments and the resource has more colons than the
// pattern: the star must span a colon to match.
// crossingStar: an ARN pattern (a bare "*" matches everything in both
// tools, so it never explains a disagreement) with a segment that ends in
// '*', and a resource with more colons than the pattern, so that the
// match needs that '*' to cross a colon.
function crossingStar(pattern, resource) {
  const segs = pattern.split(':')
  const colons = (s) => s.split(':').length - 1
  return segs.length >= 6 && segs.slice(0, 5).some((s) => s.endsWith('*')) && colons(resource) > colons(pattern)
}

const isRole = (arn) => /^arn:[^:]+:iam::\d{12}:role\//.test(arn)

export const classes = [
  {
    name: 'oracle-wildcard-request',
    rule: 'A request names one resource; a * or ? in its ARN (an S3 object key may hold them) is a literal character. iam-simulate reads such a request as a wildcard query over resources and answers for that instead; not comparable.',
    url: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html',
    match: (c, ours, theirs, type) => type === 'wildcard',
  },
  {
    name: 'empty-condition-value-list',
    rule: 'decision: a condition key with an empty list of values is a malformed policy (the policy grammar has no empty <condition_value_list>), reported as an error.',
    url: IAM + 'reference_policies_grammar.html',
    match: (c, ours) => ours === 'Error' && conditions(c).some(([, , v]) => v.length === 0),
  },
  {
    name: 'notprincipal-partial-listing',
    rule: 'When you use NotPrincipal with Deny, you must also specify the account ARN of the not-denied principal; a role session is spared only when the account, the role ARN and the session ARN are all listed.',
    url: IAM + 'reference_policies_elements_notprincipal.html',
    match: (c, ours, theirs) => ours === 'ExplicitlyDenied' && theirs === 'Allowed' && statements(c).some((s) => s.NotPrincipal && s.Effect === 'Deny'),
  },
  {
    name: 'present-but-empty-key',
    rule: 'decision: a key sent with no value ([]) is absent (IfExists holds, Null true holds, ForAnyValue fails); a key whose values are all empty strings is a null data set for ForAllValues / ForAnyValue ("if the context key value resolves to a null dataset, such as an empty string").',
    url: IAM + 'reference_policies_condition_examples-multi-valued-context-keys.html',
    match: (c) =>
      conditions(c).some(([, key]) => {
        const v = contextValue(c, key)
        return Array.isArray(v) && v.every((x) => x === '')
      }),
  },
  {
    name: 'multivalued-key-plain-operator',
    rule: 'decision: multivalued context keys require a set operator and the documentation does not define the result without one; agentiam matches when any value matches, and a negated operator is the negation of that.',
    url: IAM + 'reference_policies_condition-single-vs-multi-valued-context-keys.html',
    match: (c) => conditions(c).some(([op, key]) => !hasSetOperator(op) && Array.isArray(contextValue(c, key))),
  },
  {
    name: 'service-principal-case',
    rule: 'decision: service principal names are DNS names and are compared without regard to case; ARNs are compared exactly.',
    url: IAM + 'reference_policies_elements_principal.html#principal-services',
    match: (c) =>
      statements(c).some((s) =>
        list(s.Principal?.Service).some((n) => n !== c.principal && n.toLowerCase() === c.principal.toLowerCase()),
      ),
  },
  {
    name: 'malformed-value-negated-operator',
    rule: 'decision: a policy or request value that does not parse for its operator (number, date, IP address) matches nothing, so the negated operators (NumericNotEquals, DateNotEquals, NotIpAddress) hold.',
    url: IAM + 'reference_policies_elements_condition_operators.html',
    match: (c) =>
      conditions(c).some(([op, key, values]) => {
        const base = baseOperator(op)
        const request = list(contextValue(c, key)).map(String)
        return [...values.map(String), ...request].some((v) => !parsesFor(base, v))
      }),
  },
  {
    name: 'default-value-without-space',
    rule: "decision: a default value may follow the comma with or without a space (${key,'default'}); the documentation writes a comma and a space.",
    url: IAM + 'reference_policies_variables.html#policy-vars-default-values',
    match: (c) => /\$\{[^}]*(,'|\s,)/.test(JSON.stringify(policies(c))),
  },
  {
    name: 'segment-ending-star-crosses-colons',
    rule: 'If the * wildcard is the last character of a resource ARN segment, it can expand to match beyond the colon boundaries (so arn:aws:bedrock:*::foundation-model/m also covers arn:aws:bedrock:us-east-1:111122223333:async-invoke/::foundation-model/m); iam-simulate keeps every wildcard inside its segment.',
    url: IAM + 'reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards',
    match: (c, ours) =>
      ours === 'Allowed' && statements(c).some((s) => [...list(s.Resource), ...list(s.NotResource)].some((p) => crossingStar(p, c.resource))),
  },
  {
    name: 'assume-role-without-trust-policy',
    rule: "A role's trust policy must allow sts:AssumeRole for the caller: with no trust policy given, nothing allows the assumption (identity policies alone cannot).",
    url: IAM + 'id_roles_manage-assume.html',
    match: (c, ours, theirs) => /^sts:assumerole/i.test(c.action) && isRole(c.resource) && !c.resourcePolicy && theirs === 'Allowed',
  },
  {
    name: 'session-arn-in-trust-with-session-policy',
    rule: 'A resource-based policy that specifies the ARN of the session as principal adds its permissions after the session is created; they are not limited by the session policy.',
    url: IAM + 'access_policies.html#policies_session',
    match: (c, ours) =>
      ours === 'Allowed' && !!c.sessionPolicy && list(c.resourcePolicy?.Statement).some((s) => list(s.Principal?.AWS).includes(c.principal)),
  },
]

// classify returns the class of a disagreement: a known class, else the
// corpus case's own documented rule when the case carries a note, else null.
export function classify(c, ours, theirs, type) {
  for (const k of classes) if (k.match(c, ours, theirs, type)) return k
  if (c.note) return { name: 'corpus: ' + c.id.split('/')[0], rule: c.rule || c.note, url: c.doc || '' }
  return null
}
