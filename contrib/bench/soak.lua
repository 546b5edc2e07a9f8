-- wrk: the soak's mixed load (soak.sh). Each request is one of
--   GET by id (30%), GET with a filter (10%), POST .search (5%),
--   PUT replace (15%), PATCH (15%) on the seeded credentials,
--   POST create (12.5%) and DELETE (12.5%) of credentials this thread
--   created earlier (ids read from the 201 answers; a DELETE with none
--   to delete becomes a create, and past POOL_MAX a create becomes a
--   DELETE, so the data set stays about the same size).
-- done() prints how many answers were 2xx; anything else is a failure.
package.path = (os.getenv("BENCH_DIR") or ".") .. "/?.lua;" .. package.path
local c = require("common")
local ids
local pool = {}
local POOL_MAX = 200
local threads = {}

function setup(thread)
	c.setup(thread)
	threads[#threads + 1] = thread
end

function init(args)
	c.init()
	ids = c.load_ids()
	wrk.headers["Content-Type"] = "application/scim+json"
end

local function seeded()
	return c.base .. "/" .. ids[math.random(#ids)]
end

local function create()
	local body = '{"schemas":["' .. c.urn .. '"],"type":"CT_BENCH",' ..
	    '"status":{"status":"ACTIVE"},' ..
	    '"attributes":[{"name":"LABEL","value":"soak ' ..
	    math.random(1000000) .. '"}]}'
	return wrk.format("POST", c.base, nil, body)
end

local function delete()
	local id = table.remove(pool)
	return wrk.format("DELETE", c.base .. "/" .. id)
end

function request()
	local r = math.random(200)
	if r <= 60 then
		return wrk.format("GET", seeded())
	elseif r <= 80 then
		return wrk.format("GET", c.base ..
		    "?filter=externalId%20eq%20%22bench-" ..
		    math.random(c.n) .. "%22")
	elseif r <= 90 then
		return wrk.format("POST", c.base .. "/.search", nil,
		    '{"schemas":["urn:ietf:params:scim:api:messages:2.0:' ..
		    'SearchRequest"],"filter":"attributes[name eq \\"LABEL\\" ' ..
		    'and value sw \\"seed 1' .. math.random(9) .. '\\"]",' ..
		    '"count":5}')
	elseif r <= 120 then
		return wrk.format("PUT", seeded(), nil,
		    '{"schemas":["' .. c.urn .. '"],"type":"CT_BENCH",' ..
		    '"attributes":[{"name":"PIN_LENGTH","value":"' ..
		    math.random(4, 8) .. '"},{"name":"LABEL","value":"seed ' ..
		    math.random(1000000) .. '"}]}')
	elseif r <= 150 then
		return wrk.format("PATCH", seeded(), nil,
		    '{"schemas":["' .. c.patch_urn .. '"],"Operations":[' ..
		    '{"op":"replace","path":"attributes[name eq \\"LABEL\\"]' ..
		    '.value","value":"seed ' .. math.random(1000000) .. '"}]}')
	elseif r <= 175 then
		if #pool >= POOL_MAX then
			return delete()
		end
		return create()
	elseif #pool > 0 then
		return delete()
	end
	return create()
end

-- Globals of each thread's state, read by done() in the main state.
n_ok, n_bad, bad_statuses = 0, 0, ""

function response(status, headers, body)
	if status >= 200 and status < 300 then
		n_ok = n_ok + 1
	else
		n_bad = n_bad + 1
		if #bad_statuses < 200 then
			bad_statuses = bad_statuses .. status .. " "
		end
	end
	if status == 201 then
		local id = body:match('"id":"([^"]+)"')
		if id then
			pool[#pool + 1] = id
		end
	end
end

function done(summary, latency, requests)
	local ok, bad, which = 0, 0, ""
	for _, t in ipairs(threads) do
		ok = ok + t:get("n_ok")
		bad = bad + t:get("n_bad")
		which = which .. t:get("bad_statuses")
	end
	io.write(string.format("soak answers: %d 2xx, %d other %s\n", ok,
	    bad, which))
end
