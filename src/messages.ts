// Every message a user can read about something that went wrong: bad scenario files,
// bad flags and `--set` expressions, runs stopped by a limit, broken invariants. Kept in
// one file (as vega-lite keeps src/log/message.ts) so their wording stays consistent and
// docs/errors.md, generated from the tests' cases, shows them all. Each message says
// what was found and what was expected; the caller adds where (file:line:column, JSON
// path, or the flag).

const quote = (s: string) => JSON.stringify(s);
const list = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(', ');
/** Input echoed in a message, cut to a readable length: a message never repeats a whole file. */
export const abbreviate = (text: string, max = 80) =>
  text.length <= max ? text : `${text.slice(0, max - 20)}...${text.slice(-8)} (${text.length} characters)`;
const didYouMean = (guess: string | undefined) => (guess === undefined ? '' : `; did you mean ${quote(guess)}?`);

// --- Files ---------------------------------------------------------------------------

export const cannotRead = (what: string, why: string) => `cannot read ${what}: ${why}`;
export const noSuchFile = 'no such file';
/** A scenario named without its .json, or without the scenarios/ folder it is in. */
export const noSuchFileNear = (near: string | undefined) => `${noSuchFile}${didYouMean(near)}`;
export const isDirectory = (expected: string) => `is a directory, expected ${expected}`;
export const notReadable = 'permission denied';
/**
 * The input size limit as set: whole megabytes as such ("the 10 MB limit"), else in bytes, so
 * that a limit of a fraction of a megabyte is not shown rounded ("the 0 MB limit") or as
 * 0.2999992370605469 MB.
 */
export const inputLimit = (limit: number) =>
  limit % 1048576 === 0 ? `the ${limit / 1048576} MB limit` : `the limit of ${limit} byte${limit === 1 ? '' : 's'}`;
export const inputTooLarge = (size: number | undefined, limit: number) =>
  `${size === undefined ? '' : `${size} bytes, `}larger than ${inputLimit(limit)} (SIM_MAX_INPUT_MB raises it)`;
/**
 * A shard file over the input-size limit: sim merge reads one laid out as sim sweep --json
 * writes it, point by point (src/cli/readShard.ts); `why` says where this one is not.
 */
export const largeShard = (size: number, limit: number, why: string) =>
  `${size} bytes, larger than ${inputLimit(limit)} (SIM_MAX_INPUT_MB raises it), which a shard passes only laid out as sim sweep --json writes one (it is then read point by point): ${why}`;
export const largeShardStart = '"{" on the first line and "sweep" on the second, as a shard begins';
export const largeShardNoPoints = (limit: number) => `no line "  "points": [" within its first ${limit} bytes, where a shard's header ends`;
export const largeShardPointStart = '"    {" (a point) or "  ]" (the end of the points)';
export const largeShardPointsEnd = '"  ]" (the end of the points) after the last point';
export const largeShardAfterPoint = '"," or a line break after a point\'s closing "}"';
export const largeShardTooManyPoints = (most: number) =>
  `more points than the ${most} of the sweep (not a file written by sim sweep --json, or edited since)`;
export const largeShardPointTooLong = (limit: number) =>
  `no line "    }" closing the point within ${limit} bytes (a point sim sweep writes is a few kB)`;
export const largeShardTail = (limit: number) =>
  `more than ${limit} bytes after the points, where a shard has its closing "}" (and an interrupted one the list of its points missing)`;
/** sim merge of a folder without a shard in it. */
export const noShardFiles =
  'a folder without shard-<i>.json files in it (the names the jobs of sim sweep --emit give the shards): name the shard files, or the folder that holds them';
/**
 * sim merge --sweep-id: a shard of another sweep, as an earlier sweep of the same scenario
 * leaves on the volume of the jobs of sim sweep --emit.
 */
export const shardOfOtherSweep = (found: string, expected: string) =>
  `a shard of sweep ${found}, not of sweep ${expected} (--sweep-id): another scenario, --set, --vary, seed or replications, left there by an earlier sweep? Run this shard again, or merge the shards of one sweep`;
/** sim merge --shards N: a shard cut into another count, or a file that is not a shard. */
export const shardOfOtherCount = (index: number, count: number, expected: number) =>
  `shard ${index}/${count} (cut into ${count} shards), expected one of --shards ${expected}: left there by an earlier sweep cut otherwise? Run this shard again`;
export const wholeSweepNotShard = 'the output of a whole sweep (it has no "shard"), expected one of the shards --shards counts';
export const shardMisnamed = (index: number, count: number, named: number) =>
  `holds shard ${index}/${count}, expected shard ${named + 1}/${count} (shard-<i>.json holds the 0-based shard i, as the jobs of sim sweep --emit name them): renamed since?`;
export const shardFileMissing = (name: string, shards: number) =>
  `no ${name}, expected shard-0.json to shard-${shards - 1}.json (--shards ${shards}): has that shard run?`;
export const shardFileBeyond = (shards: number) =>
  `beyond the --shards ${shards} (shard-0.json to shard-${shards - 1}.json): left there by an earlier sweep cut into more shards? Remove it`;
/** --emit kubernetes with --json or --csv named as a shard output, beside which the job writes it. */
export const namedAsShard =
  'the Kubernetes job writes it beside the shard outputs (shard-<i>.json), whose folder its merge reads, and it would be taken for one: give it another name';
/** The smallest SIM_MAX_INPUT_MB: about one byte (1 MB is 1048576 bytes); less rounds to a limit of 0 bytes. */
export const MIN_INPUT_MB = 0.000001;
export const inputLimitTooSmall = 'a number of megabytes >= 0.000001 (1 byte; 1 MB is 1048576 bytes)';
/**
 * A read that failed with EIO or EINVAL: a special file whose reads fail at the start
 * (/proc/self/mem, /proc/self/pagemap) or a device with an error, not a file to read.
 */
export const unreadableSpecial = (code: string) =>
  `the system refused to read it (${code}): a special file (as under /proc or /dev) or a device with an error, expected a regular file`;
export const utf16Input = (order: 'LE' | 'BE') =>
  `UTF-16${order} text${order === 'LE' ? " (as Windows PowerShell's > writes)" : ''}, expected UTF-8: convert it (iconv -f UTF-16 -t UTF-8, or Out-File -Encoding utf8)`;
/** PowerShell's Out-File -Encoding utf32 writes UTF-32LE: it was named UTF-16LE, to be converted from UTF-16. */
export const utf32Input = (order: 'LE' | 'BE') =>
  `UTF-32${order} text, expected UTF-8: convert it (iconv -f UTF-32 -t UTF-8, or Out-File -Encoding utf8)`;
export const notUtf8 = (byte: number) =>
  `the byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} is not UTF-8 text, expected a file saved as UTF-8 (as JSON is)`;
export const cannotWrite = (why: string) => `cannot write: ${why}`;
/** An output path ending in "/" that is no folder: the write failed after the work, as "a file is in the way". */
export const folderName = 'a name ending in "/" is a folder\'s, expected a file name';
export const outputTwice = (other: string) =>
  `cannot write: ${other} writes there too, and one output would replace the other; give each its own file`;
export const outputIsInput = (input: string) =>
  `cannot write: that is ${quote(input)}, which this command reads, and the output would replace it; give another file`;

// --- JSON syntax (line and column come first) ----------------------------------------

export const notJson = (what: string) => `not valid JSON: ${what}`;
export const jsonExpected = (expected: string, found: string, hint = '') => `expected ${expected}, got ${found}${hint}`;
export const jsonHintTrailingComma = ' (JSON allows no comma before a closing bracket)';
export const jsonHintComment = ' (JSON has no comments; say it in "description")';
export const jsonHintSingleQuote = ' (JSON strings take double quotes)';
export const jsonHintBareWord = ' (JSON strings take double quotes; true, false and null are the only bare words)';
export const jsonHintNumber = ' (JSON numbers have no leading +, no leading zeros, no trailing dot, and no NaN or Infinity)';
export const jsonControlCharacter = 'a control character inside a string (write it as an escape such as \\n)';
export const jsonBadEscape = (sequence: string) => `expected an escape such as \\n, \\" or \\u00e9, got ${quote(sequence)}`;
export const jsonDuplicateKey = (key: string) => `the key ${quote(key)} appears twice in this object (the second would silently win)`;
export const jsonTooDeep = (depth: number) => `nested deeper than ${depth} levels`;
export const jsonNumberTooLarge = (text: string) => `the number ${text} is too large`;

// --- Scenario fields -------------------------------------------------------------------

export const unknownKey = (key: string, guess: string | undefined, known: readonly string[]) =>
  `unknown key ${quote(key)}${guess !== undefined ? didYouMean(guess) : known.length > 0 ? `; expected one of ${list(known)}` : ''}`;
/** A key that is an index (`--set app.steps[0][0]=1`) in an object: no "did you mean" a field that sounds alike. */
export const indexIntoObject = (key: string, object: string, known: readonly string[]) =>
  `unknown key ${quote(key)}: ${object} is an object, not a list, so [${key}] cannot index it${known.length > 0 ? `; expected one of its fields ${list(known)}` : ''}`;
export const missingField = (expected: string) => `missing required field (expected ${expected})`;
/** A step's "kind" or a distribution's "dist" left out: the values it may take. */
export const missingTag = (what: string, values: readonly string[]) => missingField(`${what}: one of ${list(values)}`);
export const wrongType = (expected: string, found: string) => `expected ${expected}, got ${found}`;
export const outOfRange = (expected: string, found: string) => `expected ${expected}, got ${found}`;
export const notOneOf = (values: readonly unknown[], found: string, guess: string | undefined) =>
  `expected one of ${list(values)}, got ${found}${didYouMean(guess)}`;
export const badStep = (kinds: readonly string[], found: string, guess: string | undefined) =>
  `expected a step whose kind is one of ${list(kinds)}, got ${found}${didYouMean(guess)}`;
export const badDistribution = (dists: readonly string[], found: string, guess: string | undefined) =>
  `expected a distribution whose dist is one of ${list(dists)}, got ${found}${didYouMean(guess)}`;
export const badDuration = (found: string) =>
  `expected a duration (seconds such as 0.25, a string such as "250ms", or {"dist": "exponential", "mean": ...}), got ${found}`;
export const durationPattern = 'expected a duration such as 0.25, "250ms" or "2s"';
export const durationPositive = 'expected a duration greater than 0';
export const durationTooLong = (max: number) => `expected a duration of at most ${max} seconds`;
export const durationBelowTick = (tick: number) =>
  `expected 0 or a duration of at least ${tick} s (1 us: the clock counts whole microseconds, and less would round to 0, which means "off")`;
export const lastRateZero =
  'expected a rate above 0 in the last step: it lasts until every request is sent, and at 0 they never would be (give the client a "duration" to stop sending instead)';
export const uniformOrder = 'expected max >= min';
export const weightPerValue = 'expected one weight per value';
export const someWeightPositive = 'expected at least one weight greater than 0';
export const rateZeroOrAtLeast = (min: number) => `expected 0 or a rate >= ${min}`;
export const stepsOrEndpoints = 'expected either "steps" or "endpoints"';
export const onePool = 'expected one pool: "pool" (SQLAlchemy) or "asyncpgPool", not both';
export const minSizeAboveMaxSize = 'expected minSize at most maxSize (asyncpg refuses it: "min_size is greater than max_size")';
export const hitRatioOrTtl = 'expected either "hitRatio", or "ttl" with "keys"';
export const rateOrSteps = 'expected either "rate" or "steps"';
export const firstStepAtZero = 'expected the first step to start at 0';
export const stepsIncreasing = 'expected steps in increasing order of "from"';
export const requestsOrDuration = 'expected "requests" (hey -n) or "duration" (hey -z)';
export const pacingWithoutRate = 'pacing sets how a rate is kept: expected "rate" (hey -q, wrk2 -R / connections) with it';
// --set cannot remove a field, so the way out for a hey scenario given arrivals is said too.
export const notForOpenLoop = (key: string) =>
  `${quote(key)} is for the hey client; an open-loop client ("arrivals") has none: leave it out, or on the command line give the client whole (--set 'client={"arrivals":{"rate":300},"duration":10}')`;
export const remainderWithDuration =
  'remainder is for a count of requests: with "duration" (hey -z) every worker sends until it ends; give one or the other';
export const concurrencyOrArrivals = 'expected "concurrency" (hey -c), or "arrivals" for an open loop';
// The requests named: a -n on the command line against the file's -c was "got number 100" alone.
export const concurrencyAtMostRequests = (requests: number) =>
  `expected concurrency <= requests, ${requests} here (hey refuses -c larger than -n)`;
export const needsDatabase = (kind: string) => `a ${kind} step needs a "database" section (maxConnections, forkTime, backendStartTime)`;
export const dbStepWithoutConnection = (kind: string) => `a ${kind} step needs an open connection: expected a dbConnect step before it`;
export const dbConnectTwice = 'a second dbConnect while a connection is open: expected a dbClose step before it';
export const cacheCoversTooMany = (most: number, found: number) => `expected at most ${most} (the steps after this one), got ${found}`;
export const notACost = (key: string, guess: string | undefined, known: readonly string[]) =>
  `${quote(key)} is not a cost of this scenario` +
  (guess !== undefined ? didYouMean(guess) : known.length > 0 ? `; expected one of ${list(known)}` : '; this scenario has none');
export const costMeasuredAndFitted = (path: string) => `${quote(path)} is in both "measured" and "fitted": a cost is one or the other`;
export const reservedAtLeastMax = (reserved: number, max: number) =>
  `expected fewer reserved connections than maxConnections (${max}), got ${reserved}: PostgreSQL refuses to start ("superuser_reserved_connections must be less than max_connections")`;
export const quotaBelowTick = (cpuLimit: number, period: number, tick: number) =>
  `expected a CPU quota (cpuLimit x cpuPeriod) of at least ${tick} s (1 us: the clock counts whole microseconds, and a quota of 0 would never run), got ${cpuLimit} x ${period} s = ${Number((cpuLimit * period).toPrecision(3))} s: raise cpuLimit or cpuPeriod`;
export const cpuLimitPacked = (perHost: number) =>
  `expected instancesPerHost 1 with a cpuLimit, got ${perHost}: a CPU quota is modelled for an instance alone on its host (cpuLimit of its machine.cores)`;
export const perTaskNeeds = (field: string) =>
  `expected ${field} with holds "perTask": how ${field === 'taskRate' ? 'many tasks a second it runs' : 'long each task holds its connection'}`;
export const instancesNotGroups = (written: unknown, sum: number) =>
  `expected fleet.instances to be the groups' counts together (${sum}) or left out, got ${JSON.stringify(written)}`;
export const autoscalingWithGroups =
  'expected no autoscaling with groups: the autoscaler adds and removes instances of one kind (leave out groups, or autoscaling)';
export const downBeyondInstances = (n: number, instances: number) =>
  `expected an instance number from 1 to ${instances} (fleet.instances), got ${n}`;
export const tooManyFleetWorkers = (max: number, product: string, total: number) =>
  `expected at most ${max} worker processes in the fleet, got ${product} = ${total}`;
export const replicasOutOfRange = (instances: number, min: number, max: number) =>
  `expected instances (the replicas at the start) between autoscaling.minReplicas and maxReplicas, got ${instances} with ${min}..${max}`;
export const notWithFleet = (what: string) =>
  `${what} is not modelled with a fleet yet: it acts on one instance's parts; leave out fleet, or this`;
export const tooManyHeldConnections = (max: number, clients: number, total: number) =>
  `expected at most ${max} connections opened at the start by the clients that hold theirs ("always") together (PostgreSQL's largest max_connections: it never holds more), got ${total} from the first ${clients} of them: lower connections, or use holds "perTask"`;
export const tooManyStartupConnections = (max: number, workers: string, minSize: number, total: number) =>
  `expected at most ${max} connections opened at start-up by the workers' asyncpg pools together (min_size each, all at once; PostgreSQL's largest max_connections: it never holds more), got ${workers} x minSize ${minSize} = ${total}: lower minSize, or run fewer workers`;
export const tooManyCacheKeys = (max: number, caches: number, keys: number, instances: number) =>
  `expected at most ${max} cache keys in all (the simulator keeps an expiry per key, 8 bytes, in every instance), got ${keys} in ${caches} cache step${caches === 1 ? '' : 's'}${instances === 1 ? '' : ` x ${instances} instances = ${keys * instances}`}: use fewer keys, or hitRatio for a larger key space`;
export const otherClientsNeedDatabase = 'expected a database section: other clients connect to PostgreSQL';
// Incidents (timeline, retries, breakers: src/scenario/incidentSchema.ts, incidentChecks.ts).
export const decorrelatedNeedsBase = 'decorrelated jitter grows from base: expected a base greater than 0';
export const changeOrKill = 'expected one of "change" (with multiply, set or rampTo), "killWorkers" or "reload"';
export const untilAfterAt = 'expected "until" later than "at"';
export const notWithKill = (key: string) => `${quote(key)} is not for killWorkers or reload: they happen once, at "at"`;
export const oneHowToChange = 'expected one of "multiply", "set" or "rampTo"';
export const onlyMultiply = (change: string) => `${change} can only be multiplied: expected "multiply"`;
export const rampNeedsUntil = 'a ramp needs "until": when it reaches its rate';
export const rateChangeNeedsArrivals =
  'client.rate changes the open-loop rate: expected "client.arrivals" (hey\'s closed loop has no rate to change)';
export const rateChangeLeavesZero =
  'expected the open-loop rate above 0 once the timeline is over: the client sends until every request is sent, and at 0 they never would be (give a set an "until", ramp to a rate above 0, or give the client a "duration" to stop sending instead)';
/** A ramp whose 100 ms steps would make the open-loop rate schedule too long (incidentChecks.ts). */
export const rampTooManySteps = (size: number, max: number, maxSimTime: number, duration: number | undefined) =>
  `expected a rate schedule of at most ${max} steps (a ramp moves the open-loop rate in 100 ms steps up to its "until" or the end of sending, ${
    duration !== undefined && duration > 0 && duration < maxSimTime
      ? `client.duration = ${duration} s`
      : `limits.maxSimTime = ${maxSimTime} s`
  }, whichever comes first), got ${size} with this ramp: end it sooner (until), or lower ${
    duration !== undefined && duration > 0 && duration < maxSimTime ? 'client.duration' : 'limits.maxSimTime'
  }`;
/** Timeline rate changes that would take too long to fold into the schedule (incidentChecks.ts). */
export const rateChangesTooMuchWork = (changes: number, steps: number, max: number) =>
  `expected client.rate changes that cost at most ${max} rate steps in all to apply (a ramp builds one per 100 ms; a multiply or a set goes over the whole schedule the changes before it left, ${steps} steps for this one, change ${changes} of the rate), got more: fewer client.rate changes, or ramps that end sooner`;
export const queryTimeNeedsDatabase = 'database.queryTime needs a "database" section';
export const httpTimeNeedsHttpStep = 'app.httpTime slows outbound HTTP calls: expected an "http" step in the handler';
export const killMoreThanWorkers = (kill: number, workers: number) =>
  `expected at most server.workers (${workers}) workers to kill, got ${kill}`;
export const wakeupLatencyNeedsPerCore =
  'a wake-up latency is an idle core\'s, and only per-core run queues place a woken task on a core: expected machine.runQueues "per-core" (with machine.scheduler "shared"), or machine.wakeupLatency 0';
export const slowSpellTooShort = (mean: number) =>
  `a spell of a core's speed lasting ${mean * 1e6} µs on average switches faster than the work it prices: expected a mean of at least 0.001 s (1 ms)`;
export const wakeupPreemptionNeedsEevdf =
  'a woken task takes its core over only where a core runs one task at a time: expected machine.timeSlices "eevdf", or machine.wakeupPreemption "pick"';
export const timeSlicesNeedPerCore =
  'time slices are taken on one core among its own runnable tasks: expected machine.runQueues "per-core" (with machine.scheduler "shared"), or machine.timeSlices "none"';
export const perCoreTooManyCores = (cores: number, max: number) =>
  `expected at most ${max} cores with machine.runQueues "per-core" (one domain of cores sharing a cache, followed task by task), got ${cores}: for a larger machine use machine.runQueues "shared"`;
export const cacheRefillNeedsPerCore =
  'a cache refill is paid on the core a worker wakes on, and only per-core run queues know it: expected machine.runQueues "per-core" (with machine.scheduler "shared"), or no server.cacheRefillCpu';
export const refillOrder = 'expected the points in increasing "others", each more than the one before';
export const coresChangeNeedsShared =
  'machine.cores changes during a run only under processor sharing with one run queue: expected machine.scheduler "shared" and machine.runQueues "shared"';
export const breakerNeedsDatabase = 'a database breaker needs a "database" section';
export const moreProblems = (n: number) => `... and ${n} more problems`;

// --- Command line ------------------------------------------------------------------------

export const setSyntax = 'expected path=value, e.g. --set client.concurrency=101';
export const setBadPath = (path: string) => `${quote(path)} is not a field path such as server.workers or app.steps[0].time`;
export const setNotObject = (prefix: string, found: string) => `${prefix} is ${found}, not an object: cannot set a field inside it`;
export const setIndexTooFar = (prefix: string, length: number) =>
  `${prefix} has ${length} item${length === 1 ? '' : 's'}: use an index from 0 to ${length}`;
export const setNotIndex = (prefix: string, key: string, length: number) =>
  `${prefix} is a list of ${length} item${length === 1 ? '' : 's'}, not an object: expected an index such as ${prefix}[0], got ${quote(key)}`;
export const unknownCommand = (command: string, guess: string | undefined) =>
  `unknown command ${quote(command)}${guess === undefined ? '' : `; did you mean ${quote(guess)}?`} (sim --help lists the commands)`;
export const helpOfOption = (option: string) =>
  `${option} is an option, not a command: sim help shows the help of sim, sim help <command> that of one (e.g. sim help run)`;
export const unknownOption = (option: string, guess: string | undefined) =>
  `unknown option ${option}${guess === undefined ? '' : `; did you mean ${guess}?`}`;
export const extraArgument = (arg: string, takes = 'a command takes one scenario file') => `unexpected argument ${quote(arg)}: ${takes}`;
export const missingArguments = (usage: string) => `expected the files to work on: ${usage}`;
export const versionAlone = (flag: string, other: string) =>
  `${flag} takes nothing else: sim ${flag} prints the version of sim, alone; got ${quote(other)} with it (sim help <command> shows a command's options)`;
export const missingCommand = 'name a command: sim run <scenario.json> (sim --help lists them)';
export const flagNeedsValue = (flag: string, example: string) => `expected a value, e.g. ${flag} ${example}`;
// A flag left out altogether: "expected a value" read as though it had been typed without one.
export const flagsRequired = (examples: readonly string[]) => `required, e.g. ${examples.join(' ')}`;
export const flagGivenTwice = (values: readonly unknown[]) => `given ${values.length} times (${values.join(', ')}); give it once`;
export const noNegation = (flag: string) =>
  `${flag} takes a value and has no --no- form (only switches such as --check have one): leave ${flag} out instead`;
export const booleanFlag = (found: string) => `expected no value (or =true, =false), got ${quote(found)}`;

export const tooManyRuns = (
  points: number,
  replications: number,
  max: number,
  why = 'each run takes up to limits.maxEvents events: use fewer points or replications',
) => `${points} points x ${replications} replications = ${points * replications} runs; at most ${max} (${why})`;
/**
 * --emit slurm with more shards than one job array holds: Slurm's MaxArraySize (1001 unless
 * slurm.conf says otherwise) bounds the indices at 1000, and sbatch refuses the array
 * ("Invalid job array specification").
 */
export const slurmArrayTooLarge = (shards: number, maxArraySize: number, points: number) =>
  `--emit slurm puts the shards in one job array (--array=0-${shards - 1}), and Slurm's MaxArraySize, ${maxArraySize} unless slurm.conf raises it, allows the indices 0 to ${maxArraySize - 1}: sbatch would refuse it ("Invalid job array specification"). Give --shards ${maxArraySize} or fewer: each shard then runs at most ${Math.ceil(points / maxArraySize)} of the ${points} points, and the merged sweep is the same`;
/**
 * --emit kubernetes with more shards than an Indexed Job takes: its parallelism (and its
 * maxFailedIndexes), both the shard count, at most 100000 (the API server's validation).
 */
export const indexedJobTooLarge = (shards: number, max: number, points: number) =>
  `--emit kubernetes runs the shards as one Indexed Job (completions, parallelism and maxFailedIndexes ${shards}), and the API server refuses an Indexed Job's parallelism and maxFailedIndexes beyond ${max} ("must be less than or equal to ${max}"): kubectl apply would fail. Give --shards ${max} or fewer: each shard then runs at most ${Math.ceil(points / max)} of the ${points} points, and the merged sweep is the same`;
export const EXAMPLE_IMAGE = 'registry.example/gunicorn-sim:0.1.0';
/** --emit kubernetes --image that no kubelet can pull (InvalidImageName). */
export const imageReference = `an image reference such as ${EXAMPLE_IMAGE} (a lowercase path, then :tag or @sha256:digest), which the kubelet refuses otherwise (InvalidImageName) once the job is applied`;
/** sim fit with more --free fields than a simplex search can be expected to fit (MAX_FIT_FREE). */
export const tooManyFreeFields = (n: number, max: number) =>
  `${n} fields; at most ${max}: a simplex search has taken about 130 evaluations a field to converge, and --max-evaluations allows at most 10000 (each simulating every measured configuration). Fit the fields that matter; give the others with --set`;
/** sim fit --max-evaluations below the n + 1 evaluations of the search's starting simplex. */
export const evaluationsBelowSimplex = (free: number) =>
  `a simplex search starts with ${free + 1} evaluations (the starting values, then ${free === 1 ? 'the --free field' : `each of the ${free} --free fields`} moved once), counted in --max-evaluations: give --max-evaluations ${free + 1} or more, or fewer --free fields`;
export const sweepInterrupted = (kept: number, missing: number, total: number, where: string) =>
  `interrupted: ${kept} point${kept === 1 ? '' : 's'} finished and kept (${where}); ${missing} of ${total} missing: run the sweep again to complete it`;
export const sweepMissing = (missing: number, total: number) =>
  `INTERRUPTED: ${missing} of ${total} points missing (Ctrl-C); the table shows the points that finished`;

// --- Limits ------------------------------------------------------------------------------

export type StopReason = 'finished' | 'maxEvents' | 'maxSimTime' | 'frozen' | 'inFlight' | 'wakes' | 'spells' | 'tasks' | 'stalled';

/** Why a run stopped before its end, for stderr and the report's PARTIAL line. */
export function stoppedEarly(
  reason: Exclude<StopReason, 'finished'>,
  figures: { events: number; seconds: number; unfinished: number; limit: number },
): string {
  const unfinished = `${figures.unfinished} request${figures.unfinished === 1 ? '' : 's'} unfinished`;
  switch (reason) {
    case 'maxEvents':
      return `stopped at the event budget (limits.maxEvents = ${figures.limit}, --max-events) after ${figures.seconds} simulated seconds, ${unfinished}; the result is partial`;
    case 'maxSimTime':
      return `stopped at the simulated-time budget (limits.maxSimTime = ${figures.limit} s, --max-sim-time) after ${figures.events} events, ${unfinished}; the result is partial`;
    case 'frozen':
      return `simulated time stood still at ${figures.seconds} s after ${figures.events} events, ${unfinished}: requests that take no time at all (a handler whose every step can last 0 s) follow one another without end under hey -z; give a step a duration; the result is partial`;
    case 'inFlight':
      return `stopped at ${figures.seconds} s with ${unfinished}, more than ${figures.limit} at once: the client sends faster than the system answers and its requests pile up without end, each holding memory; lower client.arrivals' rate or send fewer requests (the report up to here shows the overload); the result is partial`;
    case 'wakes':
      return `stopped at ${figures.seconds} s after ${figures.events} events, ${unfinished}: connections waiting in the listen queue had passed over ${figures.limit} ready workers in all (a bound in proportion to the event budget, limits.maxEvents, --max-events): the kernel tells every waiting worker of each queued connection, and with thousands of workers that costs minutes of computing beyond the events; raise the budget or run fewer workers; the result is partial`;
    case 'spells':
      return `stopped at ${figures.seconds} s after ${figures.events} events, ${unfinished}: the hosts' cores had switched between their fast and slow spells (machine.slowSpells) ${figures.limit} times in all (a bound in proportion to the event budget, limits.maxEvents, --max-events): each core switches on its own, and thousands of cores in spells of milliseconds cost minutes of computing beyond the events; raise the budget, or give fewer cores or longer spells; the result is partial`;
    case 'tasks':
      return `stopped at ${figures.seconds} s after ${figures.events} events, ${unfinished}: the per-core run queues (machine.runQueues per-core) had gone over ${figures.limit} runnable tasks in all (a bound in proportion to the event budget, limits.maxEvents, --max-events): every start and end of a piece of work brings each runnable task up to date, and thousands of them (workers, threads, PostgreSQL's backends) cost minutes of computing beyond the events; raise the budget, run fewer workers, or use machine.runQueues "shared"; the result is partial`;
    case 'stalled':
      return `nothing left to simulate at ${figures.seconds} s with ${unfinished}: a simulator bug, please report it with the scenario; the result is partial`;
  }
}

/**
 * A scenario whose work is predictably beyond a budget (src/scenario/budgets.ts). `raise`
 * names what raises each budget on the command that refused it: sim run's flags, a --set
 * where the command has no such flag (sim compare, sim fit, sim sweep, sim plan), or the
 * file's field where it takes no overrides (sim serve).
 */
export const beyondBudget = (
  budget: 'maxEvents' | 'maxSimTime',
  limit: number,
  work: string,
  takes: string,
  instead: string,
  raise: { maxEvents: string; maxSimTime: string } = { maxEvents: '--max-events', maxSimTime: '--max-sim-time' },
) =>
  budget === 'maxEvents'
    ? `the run could not finish within its event budget of ${limit}: ${work}: ${takes}; raise the budget (${raise.maxEvents}, at most 1000000000) or ${instead}`
    : `the run could not finish within its simulated-time budget of ${limit} s: ${work}: ${takes}; raise the budget (${raise.maxSimTime}) or ${instead}`;

// --- Invariants (internal errors: the simulator, not the user, is wrong) ------------------

export const invariantViolated = (name: string, figures: string) => `invariant violated: ${name}: ${figures}`;

/** SQLAlchemy's pool_size=0 ("no size limit"), refused with what it is. */
export const poolSizeZero = (max: number) =>
  `expected a number > 0: SQLAlchemy's pool_size 0 (no limit: the pool keeps every connection it opens, max_overflow aside; QueuePool sets max_overflow -1 then) is size ${max} here, PostgreSQL's largest max_connections, with maxOverflow 0`;
/** SQLAlchemy's max_overflow=-1 ("no overflow limit"), refused with what it is. */
export const maxOverflowUnlimited = (max: number) =>
  `expected a number >= 0: SQLAlchemy's max_overflow -1 (no limit on the overflow) is ${max} here, PostgreSQL's largest max_connections, which no pool can pass`;
