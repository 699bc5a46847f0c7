// Scores every line of a file with VADER (npm vader-sentiment); prints a
// checksum so the work cannot be optimised away.
const fs = require('fs');
const vader = require('vader-sentiment');
const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter((l) => l.length);
let sum = 0;
for (const l of lines) sum += vader.SentimentIntensityAnalyzer.polarity_scores(l).compound;
console.log(JSON.stringify({docs: lines.length, checksum: sum}));
