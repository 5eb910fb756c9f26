// Differential test: runs JSON Lines requests (agentiam's `simulate --batch`
// format) through @cloud-copilot/iam-simulate, an independent
// implementation used only as an external oracle (AGPL: nothing of it is
// copied into agentiam), and reports where its decision differs from
// agentiam's.
//
// Usage:
//   node differential.mjs --cases FILE.jsonl [--ours OUT.jsonl] [--report FILE.json] [--classify]
//
// FILE.jsonl lines are agentiam batch requests; a line may carry a "want"
// field (the conformance corpus export does) that is agentiam's expected
// decision, and a "note" recording how a known disagreement was resolved. --ours gives agentiam's own output for the same file (as
// written by `agentiam simulate --batch`), matched by id. The time spent
// in iam-simulate (excluding Node start-up and module loading) is printed.
// --classify sorts every disagreement into a known class (classes.mjs)
// and prints the table class, count, agentiam, iam-simulate, rule, URL;
// a disagreement in no class makes the script exit 1.
import { readFileSync, writeFileSync } from 'node:fs'
import { runSimulation } from '@cloud-copilot/iam-simulate'
import { classify } from './classes.mjs'

const args = process.argv.slice(2)
const opt = (name) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}
const casesFile = opt('--cases')
if (!casesFile) {
  console.error('usage: node differential.mjs --cases FILE.jsonl [--ours OUT.jsonl] [--report FILE.json] [--classify]')
  process.exit(2)
}

const ours = new Map()
if (opt('--ours')) {
  for (const line of readFileSync(opt('--ours'), 'utf8').split('\n')) {
    if (!line.trim()) continue
    const r = JSON.parse(line)
    ours.set(r.id, r.decision)
  }
}

const named = (prefix, list) => (list || []).map((policy, i) => ({ name: `${prefix}${i}`, policy }))
const levels = (prefix, list) =>
  (list || []).map((level, i) => ({ orgIdentifier: `${prefix}-level${i + 1}`, policies: named(`${prefix}${i + 1}-`, level) }))

// accountOf is the account in an ARN; AWS-owned resources name the
// account "aws" and, like S3 ARNs without one, count as the caller's.
function accountOf(arn) {
  const parts = arn.split(':')
  return parts.length >= 6 && parts[0] === 'arn' && /^\d{12}$/.test(parts[4]) ? parts[4] : ''
}

function principalAccount(p) {
  if (/^\d{12}$/.test(p)) return p
  return accountOf(p)
}

// derivedContext adds the global keys AWS sets from the principal and
// resource (IAM User Guide, "AWS global condition context keys"), which
// iam-simulate does not populate itself, unless the request sets them.
function derivedContext(c, resourceAccount) {
  const ctx = { ...(c.context || {}) }
  const has = (k) => Object.keys(ctx).some((x) => x.toLowerCase() === k.toLowerCase())
  const put = (k, v) => {
    if (!has(k)) ctx[k] = v
  }
  const p = c.principal
  const m = /^arn:([^:]+):(iam|sts)::(\d{12}):(.*)$/.exec(p)
  if (!p.startsWith('arn:') && !/^\d{12}$/.test(p)) {
    put('aws:PrincipalIsAWSService', p.endsWith('.amazonaws.com') ? 'true' : 'false')
    if (p.endsWith('.amazonaws.com')) {
      put('aws:PrincipalServiceName', p)
      put('aws:PrincipalServiceNamesList', [p])
    }
  } else {
    put('aws:PrincipalIsAWSService', 'false')
  }
  if (resourceAccount) put('aws:ResourceAccount', resourceAccount)
  const via = Object.entries(ctx).find(([k]) => k.toLowerCase() === 'aws:calledvia')?.[1]
  const chain = via === undefined ? [] : [].concat(via)
  put('aws:ViaAWSService', chain.length > 0 ? 'true' : 'false')
  if (chain.length > 0) {
    put('aws:CalledViaFirst', chain[0])
    put('aws:CalledViaLast', chain[chain.length - 1])
  }
  if (/^\d{12}$/.test(p)) {
    put('aws:PrincipalAccount', p)
    put('aws:PrincipalArn', `arn:aws:iam::${p}:root`)
    put('aws:PrincipalType', 'Account')
    put('aws:userid', p)
  } else if (m) {
    const [, partition, , account, res] = m
    put('aws:PrincipalAccount', account)
    if (res === 'root') {
      put('aws:PrincipalArn', p)
      put('aws:PrincipalType', 'Account')
      put('aws:userid', account)
    } else if (res.startsWith('user/')) {
      put('aws:PrincipalArn', p)
      put('aws:PrincipalType', 'User')
      put('aws:username', res.split('/').pop())
    } else if (res.startsWith('role/')) {
      put('aws:PrincipalArn', p)
      put('aws:PrincipalType', 'AssumedRole')
    } else if (res.startsWith('assumed-role/')) {
      put('aws:PrincipalArn', `arn:${partition}:iam::${account}:role/${res.split('/')[1]}`)
      put('aws:PrincipalType', 'AssumedRole')
    } else if (res.startsWith('federated-user/')) {
      put('aws:PrincipalArn', p)
      put('aws:PrincipalType', 'FederatedUser')
      put('aws:userid', `${account}:${res.slice('federated-user/'.length)}`)
    }
  }
  return ctx
}

function toSimulation(c) {
  // A line may leave "resource" out for an action without resource types:
  // the request is then on "*" (agentiam answers Error for other actions).
  const resource = c.resource ?? '*'
  const resourceAccount = c.resourceAccount || accountOf(resource) || principalAccount(c.principal)
  const sim = {
    request: {
      principal: c.principal,
      action: c.action,
      resource: { resource, accountId: resourceAccount },
      contextVariables: derivedContext(c, resourceAccount),
    },
    identityPolicies: named('identity', c.identityPolicies),
    serviceControlPolicies: levels('scp', c.scps),
    resourceControlPolicies: levels('rcp', c.rcps),
  }
  if (c.resourcePolicy) sim.resourcePolicy = c.resourcePolicy
  if (c.permissionBoundary) sim.permissionBoundaryPolicies = [{ name: 'boundary', policy: c.permissionBoundary }]
  if (c.sessionPolicy) sim.sessionPolicy = c.sessionPolicy
  return sim
}

const debugIds = opt('--debug') ? new Set(opt('--debug').split(',')) : null

const lines = readFileSync(casesFile, 'utf8').split('\n').filter((l) => l.trim())
const cases = lines.map((l) => JSON.parse(l))
const results = []
const start = process.hrtime.bigint()
for (const c of cases) {
  let theirs
  let detail
  let type
  try {
    const r = await runSimulation(toSimulation(c), {})
    if (debugIds?.has(c.id)) console.log(c.id, JSON.stringify(r, null, 1).slice(0, 6000))
    type = r.resultType
    if (r.resultType === 'error') {
      theirs = 'Error'
      detail = r.errors?.message || JSON.stringify(r.errors).slice(0, 300)
    } else {
      theirs = r.overallResult
    }
  } catch (e) {
    theirs = 'Error'
    detail = String(e).slice(0, 300)
  }
  results.push({ c, theirs, detail, type })
}
const elapsed = Number(process.hrtime.bigint() - start) / 1e9

const disagreements = []
const skipped = []
let agree = 0
for (const { c, theirs, detail, type } of results) {
  const mine = c.want ?? ours.get(c.id)
  if (mine === undefined) continue
  if (c.managementAccount) {
    skipped.push({ id: c.id, reason: 'iam-simulate has no notion of the management account' })
    continue
  }
  if (c.vpcEndpointPolicy) {
    skipped.push({ id: c.id, reason: 'the script does not pass VPC endpoint policies to iam-simulate' })
    continue
  }
  if (mine === theirs) {
    agree++
    continue
  }
  const k = classify(c, mine, theirs, type)
  disagreements.push({ id: c.id, agentiam: mine, iamSimulate: theirs, noted: Boolean(c.note), class: k?.name ?? null, rule: k?.rule, url: k?.url, ...(detail ? { error: detail } : {}) })
}
const unnoted = disagreements.filter((d) => !d.noted)

console.log(`iam-simulate evaluated ${cases.length} requests in ${elapsed.toFixed(2)} s (${((elapsed * 1e6) / cases.length).toFixed(0)} µs/request)`)
console.log(`agree: ${agree}, disagree: ${disagreements.length} (${unnoted.length} without a note in the corpus), not comparable: ${skipped.length}`)
const classify_ = args.includes('--classify')
const unknown = disagreements.filter((d) => d.class === null)
if (classify_) {
  const rows = new Map()
  for (const d of disagreements) {
    const key = [d.class ?? 'UNKNOWN', d.agentiam, d.iamSimulate].join('\t')
    const row = rows.get(key) ?? { class: d.class ?? 'UNKNOWN', agentiam: d.agentiam, iamSimulate: d.iamSimulate, count: 0, rule: d.rule ?? '', url: d.url ?? '', example: d.id }
    row.count++
    rows.set(key, row)
  }
  const sorted = [...rows.values()].sort((a, b) => a.class.localeCompare(b.class) || b.count - a.count)
  console.log('| class | count | agentiam | iam-simulate | rule | URL | example |')
  console.log('|---|---|---|---|---|---|---|')
  for (const r of sorted) console.log(`| ${r.class} | ${r.count} | ${r.agentiam} | ${r.iamSimulate} | ${r.rule.replaceAll('|', '\\|')} | ${r.url} | ${r.example} |`)
  for (const d of unknown) console.log(`UNEXPLAINED ${d.id}: agentiam=${d.agentiam} iam-simulate=${d.iamSimulate}${d.error ? ' (' + d.error + ')' : ''}`)
} else {
  for (const d of disagreements) {
    const mark = d.noted ? 'DISAGREE (noted)' : 'DISAGREE'
    console.log(`${mark} ${d.id}: agentiam=${d.agentiam} iam-simulate=${d.iamSimulate}${d.error ? ' (' + d.error + ')' : ''}`)
  }
}
if (opt('--report')) {
  writeFileSync(opt('--report'), JSON.stringify({ elapsedSeconds: elapsed, requests: cases.length, agree, disagreements, skipped }, null, 2) + '\n')
}
if (classify_ && unknown.length > 0) {
  console.error(`${unknown.length} disagreement(s) in no known class`)
  process.exit(1)
}
