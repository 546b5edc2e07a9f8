-- wrk: PUT /Credential/{id} on random seeded ids, replacing the
-- attributes (status and type unchanged: HID replace semantics).
package.path = (os.getenv("BENCH_DIR") or ".") .. "/?.lua;" .. package.path
local c = require("common")
local ids

setup = c.setup

function init(args)
	c.init()
	ids = c.load_ids()
	wrk.headers["Content-Type"] = "application/scim+json"
end

function request()
	local body = '{"schemas":["' .. c.urn .. '"],"type":"CT_BENCH",' ..
	    '"attributes":[{"name":"PIN_LENGTH","type":"INT","value":"' ..
	    math.random(4, 8) .. '","readOnly":false},' ..
	    '{"name":"LABEL","type":"STRING","value":"put ' ..
	    math.random(1000000) .. '","readOnly":false}]}'
	return wrk.format("PUT", c.base .. "/" .. ids[math.random(#ids)], nil,
	    body)
end
