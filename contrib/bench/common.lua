-- Shared setup for the scimcred wrk scripts: the bearer token, tenant,
-- seeded ids and a per-thread random seed, all from the environment that
-- run.sh exports (BENCH_TOKEN, BENCH_TENANT, BENCH_IDS, BENCH_N).
local M = {}

M.tenant = os.getenv("BENCH_TENANT") or "demo"
M.base = "/scim/" .. M.tenant .. "/v2/Credential"
M.urn = "urn:hid:scim:api:idp:2.0:Credential"
M.n = tonumber(os.getenv("BENCH_N") or "10000")

local counter = 0

-- Runs in wrk's main Lua state once per thread: number the threads (a
-- global in each thread's own state) so each draws its own sequence.
function M.setup(thread)
	counter = counter + 1
	thread:set("thread_no", counter)
end

function M.init()
	local tok = os.getenv("BENCH_TOKEN")
	assert(tok and #tok > 0, "BENCH_TOKEN is not set")
	wrk.headers["Authorization"] = "Bearer " .. tok
	wrk.headers["Accept"] = "application/scim+json"
	math.randomseed(os.time() * 1000 + (rawget(_G, "thread_no") or 0) * 7919)
end

function M.load_ids()
	local ids = {}
	local path = os.getenv("BENCH_IDS")
	assert(path, "BENCH_IDS is not set")
	for line in io.lines(path) do
		if #line > 0 then
			ids[#ids + 1] = line
		end
	end
	assert(#ids > 0, "no ids in " .. path)
	return ids
end

return M
