-- Shared setup for the scimcred wrk scripts: the bearer token, tenant,
-- seeded ids and a per-thread random seed, all from the environment that
-- run.sh exports (BENCH_TOKEN, BENCH_TENANT, BENCH_IDS, BENCH_N).
local M = {}

M.tenant = os.getenv("BENCH_TENANT") or "demo"
M.root = "/scim/" .. M.tenant .. "/v2"
M.base = M.root .. "/Credential"
M.urn = "urn:hid:scim:api:idp:2.0:Credential"
M.patch_urn = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
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

-- The non-empty lines of the file named by environment variable var.
function M.load_lines(var)
	local ids = {}
	local path = os.getenv(var)
	assert(path, var .. " is not set")
	for line in io.lines(path) do
		if #line > 0 then
			ids[#ids + 1] = line
		end
	end
	assert(#ids > 0, "no ids in " .. path)
	return ids
end

function M.load_ids()
	return M.load_lines("BENCH_IDS")
end

return M
