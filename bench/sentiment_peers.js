// Scores texts with the zero-shot peers VADER (npm vader-sentiment) and
// wink-nlp (npm wink-nlp + wink-eng-lite-web-model), for bench/sentiment_loco.py.
// Input: one JSON string per line on stdin. Output: one JSON object per line
// {"vader": compound, "wink": score}; timings (documents/s) on stderr as JSON.
// Run with NODE_PATH pointing at the scratch folder holding the npm packages.
const readline = require('readline');
const vader = require('vader-sentiment');
const winkNLP = require('wink-nlp');
const model = require('wink-eng-lite-web-model');
const nlp = winkNLP(model);
const its = nlp.its;

const texts = [];
const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => { if (line.length) texts.push(JSON.parse(line)); });
rl.on('close', () => {
  const v = new Array(texts.length), w = new Array(texts.length);
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < texts.length; i++) v[i] = vader.SentimentIntensityAnalyzer.polarity_scores(texts[i]).compound;
  const tv = Number(process.hrtime.bigint() - t0) / 1e9;
  t0 = process.hrtime.bigint();
  for (let i = 0; i < texts.length; i++) w[i] = nlp.readDoc(texts[i]).out(its.sentiment);
  const tw = Number(process.hrtime.bigint() - t0) / 1e9;
  const out = [];
  for (let i = 0; i < texts.length; i++) out.push(JSON.stringify({ vader: v[i], wink: w[i] }));
  process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
  process.stderr.write(JSON.stringify({ docs: texts.length, vader_docs_per_s: texts.length / tv,
                                        wink_docs_per_s: texts.length / tw }) + '\n');
});
