// Tokenizes every line of a file with wink-tokenizer.
const fs = require('fs');
const tokenizer = require('wink-tokenizer')();
const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter((l) => l.length);
let n = 0;
for (const l of lines) n += tokenizer.tokenize(l).length;
console.log(JSON.stringify({docs: lines.length, tokens: n}));
