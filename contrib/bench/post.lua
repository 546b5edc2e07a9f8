-- wrk: POST /Credential creating new credentials (no externalId, so no
-- uniqueness conflicts between threads or runs).
package.path = (os.getenv("BENCH_DIR") or ".") .. "/?.lua;" .. package.path
local c = require("common")

setup = c.setup

function init(args)
	c.init()
	wrk.headers["Content-Type"] = "application/scim+json"
end

function request()
	local body = '{"schemas":["' .. c.urn .. '"],"type":"CT_BENCH",' ..
	    '"status":{"status":"ACTIVE"},' ..
	    '"attributes":[{"name":"LABEL","type":"STRING","value":"post ' ..
	    math.random(1000000) .. '","readOnly":false}]}'
	return wrk.format("POST", c.base, nil, body)
end
