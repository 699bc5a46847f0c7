// Scores every line of a file with wink-nlp's sentiment (English lite model).
const fs = require('fs');
const winkNLP = require('wink-nlp');
const model = require('wink-eng-lite-web-model');
const nlp = winkNLP(model);
const its = nlp.its;
const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter((l) => l.length);
let sum = 0;
for (const l of lines) sum += nlp.readDoc(l).out(its.sentiment);
console.log(JSON.stringify({docs: lines.length, checksum: sum}));
