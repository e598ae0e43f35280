// Decides each request with @cloud-copilot/iam-simulate, an IAM evaluator maintained outside this
// project. Reads [{id, simulation}] as JSON on stdin, writes [{id, decision, engine, ignored}] on stdout.
//
// runSimulation validates every policy and drops context keys it does not know for the action. Version
// 0.1.173 drops every kms:EncryptionContext:<key> (it matches variable keys only after a "/"). For those
// requests, and only those, the library's exported runUnsafeSimulation evaluates the same policies with
// the context as given; the resource policy is passed as a ValidatedPolicy (iam-policy's
// createValidatedPolicy), which that engine needs for its name, and its validation errors are reported.
import { createValidatedPolicy, validateResourcePolicy } from '@cloud-copilot/iam-policy'
import { runSimulation, runUnsafeSimulation } from '@cloud-copilot/iam-simulate'

const UNVALIDATED_PREFIX = 'kms:encryptioncontext:'

async function decide(simulation) {
  const checked = await runSimulation(simulation, {})
  if (checked.resultType === 'error') {
    return { decision: 'error', engine: 'runSimulation', errors: checked.errors }
  }
  if (checked.resultType !== 'single') {
    return { decision: 'error', engine: 'runSimulation', errors: `unexpected ${checked.resultType} result` }
  }
  const ignored = checked.result.ignoredContextKeys ?? []
  if (ignored.length === 0) {
    return { decision: checked.overallResult, engine: 'runSimulation', ignored }
  }
  if (!ignored.every((key) => key.toLowerCase().startsWith(UNVALIDATED_PREFIX))) {
    return { decision: 'error', engine: 'runSimulation', errors: `context keys ignored: ${ignored.join(', ')}`, ignored }
  }
  const resourcePolicy = simulation.resourcePolicy
    ? createValidatedPolicy(simulation.resourcePolicy, validateResourcePolicy, { name: 'resource-policy' })
    : undefined
  if (resourcePolicy && resourcePolicy.errors.length > 0) {
    return { decision: 'error', engine: 'runUnsafeSimulation', errors: resourcePolicy.errors, ignored }
  }
  const result = runUnsafeSimulation({ ...simulation, resourcePolicy }, {})
  return { decision: result, engine: 'runUnsafeSimulation', ignored }
}

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const cases = JSON.parse(Buffer.concat(chunks).toString('utf8'))
const answers = []
for (const { id, simulation } of cases) {
  answers.push({ id, ...(await decide(simulation)) })
}
process.stdout.write(JSON.stringify(answers))
