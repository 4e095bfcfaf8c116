// node services/gateway/tools/validate_openapi.js <document>
// Validates an OpenAPI document with @apidevtools/swagger-parser (against the
// OpenAPI schema, then its references and path parameters), as integrators'
// tools do. Prints the first problem and exits 1 if it is invalid.
'use strict';
const SwaggerParser = require('@apidevtools/swagger-parser');

const file = process.argv[2];
if (!file) {
  console.error('usage: validate_openapi.js <document>');
  process.exit(2);
}
SwaggerParser.validate(file).then(
    (api) => {
      const operations = Object.values(api.paths)
          .map((item) => Object.keys(item).length)
          .reduce((a, b) => a + b, 0);
      console.log(`swagger-parser: ${file} is a valid OpenAPI ${api.openapi} ` +
                  `document (${operations} operations)`);
    },
    (err) => {
      console.error(`swagger-parser: ${file}: ${err.message}`);
      process.exit(1);
    });
