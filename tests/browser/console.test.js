// The web console in headless Chromium (docs/console.md, "Tests"). Run by browser_harness,
// which starts the centre, makes the accounts and checks afterwards that the revoke done
// here reached a terminal through netsync. Environment: CONSOLE_URL, CONSOLE_PASSWORD,
// CONSOLE_CARD, CONSOLE_HOSPITAL, SHOT_DIR. Exit 0 = pass.
'use strict';
const path = require('path');
const puppeteer = require('puppeteer-core');

const base = process.env.CONSOLE_URL;
const password = process.env.CONSOLE_PASSWORD;
const card = process.env.CONSOLE_CARD;
const hospital = process.env.CONSOLE_HOSPITAL;
const shots = process.env.SHOT_DIR;
// Generous: two cores shared by several builds, and every sign-in is a scrypt.
const TIMEOUT = 120000;

let failures = 0;
function check(cond, what) {
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${what}`);
  if (!cond) failures++;
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

async function signIn(browser, login, pw) {
  const ctx = await browser.createBrowserContext();
  const page = await ctx.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.setDefaultNavigationTimeout(TIMEOUT);
  await page.setViewport({ width: 1200, height: 800 });
  await page.goto(`${base}/login`);
  await page.type('#login', login);
  await page.type('#password', pw);
  const [resp] = await Promise.all([page.waitForNavigation(), page.click('#submit')]);
  return { ctx, page, status: resp ? resp.status() : 0 };
}

async function status(page, url) {
  const resp = await page.goto(`${base}${url}`);
  return resp ? resp.status() : 0;
}

// A POST from inside the page (same origin, its cookies), with or without a token.
async function post(page, url, fields) {
  return page.evaluate(async (url, fields) => {
    const r = await fetch(url, {
      method: 'POST', redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    return r.status;
  }, url, fields);
}

async function csrfOf(page) {
  return page.$eval('form[action="/logout"] input[name=csrf]', (e) => e.value);
}

const pages = {
  finance: ['/finance', '/finance/usage'],
  station: ['/station'],
  operations: ['/ops'],
  admin: ['/admin'],
};
const all = ['/finance', '/finance/usage', '/station', '/ops', '/admin'];

async function main() {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // root in CI containers: Chromium's sandbox needs user namespaces it may not have;
    // the certificate is the test PKI's, not a public one
    args: ['--no-sandbox', '--ignore-certificate-errors', '--lang=zh-CN', '--font-render-hinting=none'],
    protocolTimeout: TIMEOUT,
  });
  try {
    // the sign-in page, as it first appears (zh-CN), then in English
    {
      const ctx = await browser.createBrowserContext();
      const page = await ctx.newPage();
      page.setDefaultTimeout(TIMEOUT);
      await page.setViewport({ width: 1200, height: 800 });
      const resp = await page.goto(`${base}/login`);
      const h = resp.headers();
      check(resp.status() === 200, 'sign-in page served');
      check(/default-src 'self'/.test(h['content-security-policy'] || ''), 'CSP default-src self');
      check(!/unsafe-inline/.test(h['content-security-policy'] || ''), 'CSP allows no inline script');
      check(h['x-frame-options'] === 'DENY', 'X-Frame-Options DENY');
      check(h['referrer-policy'] === 'no-referrer', 'Referrer-Policy');
      check((await page.$eval('html', (e) => e.lang)) === 'zh-CN', 'zh-CN first');
      await shot(page, 'login-zh');
      await page.goto(`${base}/login?lang=en`);
      check((await page.$eval('html', (e) => e.lang)) === 'en', 'English toggle');
      await shot(page, 'login-en');
      // a page without a session goes to the sign-in page
      const r2 = await page.goto(`${base}/finance`);
      check(r2.url().endsWith('/login'), 'no session: sent to sign in');
      await ctx.close();
    }

    const sessions = {};
    for (const [login, role] of [['fin', 'finance'], ['sta', 'station'], ['ops', 'operations'], ['adm', 'admin']]) {
      const s = await signIn(browser, login, password);
      sessions[role] = s;
      check(s.status === 200 && s.page.url() === `${base}/`, `${role}: signed in`);
      const cookies = await s.page.cookies();
      const sc = cookies.find((c) => c.name === 'yhc_s');
      check(sc && sc.secure && sc.httpOnly && sc.sameSite === 'Strict' && sc.value.length === 64,
        `${role}: session cookie Secure, HttpOnly, SameSite=Strict, 256-bit`);
      await shot(s.page, `home-${role}`);
      for (const url of all) {
        const want = pages[role].includes(url) ? 200 : 403;
        check((await status(s.page, url)) === want, `${role}: GET ${url} -> ${want}`);
        if (want === 200)
          await shot(s.page, `${role}${url.replace(/\//g, '-')}`);
      }
    }

    // finance: the month's table, the drill-down to bills, the CSV of report bills
    {
      const page = sessions.finance.page;
      await page.goto(`${base}/finance`);
      const rows = await page.$$eval('#waived tbody tr', (r) => r.length);
      check(rows >= 1, `finance: waived fees table has ${rows} rows`);
      const link = await page.$eval('#waived tbody tr a', (a) => a.getAttribute('href'));
      check(link.startsWith(`/finance/bills?site=${hospital}&month=`), 'finance: drill-down link');
      await page.goto(`${base}${link}`);
      const bills = await page.$$eval('#bills tbody tr', (r) => r.length);
      check(bills >= 1, `finance: ${bills} bills in the drill-down`);
      await shot(page, 'finance-bills');
      const csv = await page.evaluate(async (u) => {
        const r = await fetch(u);
        return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
      }, link.replace('/finance/bills?', '/finance/bills.csv?'));
      check(csv.status === 200 && /text\/csv/.test(csv.type) && csv.text.startsWith('date,time,terminal,seq,hospital'),
        'finance: CSV download is report bills');
      check(csv.text.trim().split('\n').length === bills + 1, 'finance: CSV and page list the same bills');
      await page.goto(`${base}/finance/usage`);
      check((await page.$$('svg.chart rect.bar')).length >= 1, 'finance: usage bar chart (SVG)');
      await page.goto(`${base}/finance?lang=en`);
      await shot(page, 'finance-en');
      await page.goto(`${base}/finance?lang=zh`);
    }

    // operations: the health table, the silent terminal flagged, sparklines
    {
      const page = sessions.operations.page;
      await page.goto(`${base}/ops`);
      const n = await page.$$eval('#terminals tbody tr', (r) => r.length);
      check(n === 2, `operations: ${n} terminals listed`);
      const alarms = await page.$$eval('#terminals tbody tr.alarm td:first-child', (t) => t.map((e) => e.textContent));
      check(alarms.length === 1 && alarms[0] === 'T02', 'operations: the silent terminal is flagged');
      check((await page.$$('#terminals svg.spark polyline')).length === 2, 'operations: upload sparklines');
    }

    // admin: the accounts and the audit trail
    {
      const page = sessions.admin.page;
      await page.goto(`${base}/admin`);
      const logins = await page.$$eval('#accounts tbody tr td:first-child', (t) => t.map((e) => e.textContent));
      check(['adm', 'fin', 'ops', 'sta', 'victim'].every((l) => logins.includes(l)), 'admin: every account listed');
      const audit = await page.$$eval('#audit tbody tr', (r) => r.length);
      check(audit >= 5, 'admin: audit trail shown');
    }

    // refused changes: without a CSRF token, with another role's token, without a session
    {
      const fin = sessions.finance.page, sta = sessions.station.page;
      await sta.goto(`${base}/station`);
      check((await post(sta, '/station/revoke', { card, generation: '0', kind: 'exact', reason: 'lost' })) === 403,
        'station: a POST without the CSRF token is refused (403)');
      check((await post(sta, '/station/revoke', { card, generation: '0', kind: 'exact', reason: 'lost', csrf: 'f'.repeat(64) })) === 403,
        'station: a POST with a wrong CSRF token is refused (403)');
      await fin.goto(`${base}/finance`);
      check((await post(fin, '/station/revoke', { card, generation: '0', kind: 'exact', reason: 'lost', csrf: await csrfOf(fin) })) === 403,
        'finance: a POST to the station\'s revoke with its own valid token is refused (403)');
      check((await post(fin, '/admin/disable', { login: 'sta', csrf: await csrfOf(fin) })) === 403,
        'finance: a POST to the admin\'s disable is refused (403)');
      await sta.goto(`${base}/station`);
      check((await sta.$eval('#revoked', (e) => e.textContent)) === '0', 'station: nothing revoked by the refused POSTs');
    }

    // the station revokes the card in the browser (the harness then waits for it at a terminal)
    {
      const page = sessions.station.page;
      await page.goto(`${base}/station`);
      check((await page.$eval('#issued', (e) => e.textContent)) === '1', 'station: one card issued');
      await page.type('#revoke input[name=card]', card);
      await page.$eval('#revoke input[name=reason]', (e) => { e.value = 'lent'; });
      await Promise.all([page.waitForNavigation(), page.click('#revoke button[type=submit]')]);
      const msg = await page.$eval('.msg', (e) => e.textContent);
      check(!(await page.$('.msg.error')) && /\d+$/.test(msg), `station: revoked (${msg})`);
      check((await page.$eval('#revoked', (e) => e.textContent)) === '1', 'station: one card revoked now');
      const first = await page.$$eval('#changes tbody tr:first-child td', (t) => t.map((e) => e.textContent));
      check(first[1] === card, 'station: the change is listed');
      await shot(page, 'station-revoked');
    }

    // sign-out ends the session on the server too
    {
      const page = sessions.admin.page;
      await page.goto(`${base}/admin`);
      const cookies = await page.cookies();
      await Promise.all([page.waitForNavigation(), page.click('#signout')]);
      check(page.url().endsWith('/login'), 'admin: signed out');
      await page.setCookie(...cookies.filter((c) => c.name === 'yhc_s'));
      const r = await page.goto(`${base}/admin`);
      check(r.url().endsWith('/login'), 'admin: the old session cookie no longer works');
    }

    // throttling: five bad passwords, then even the right one waits
    {
      for (let i = 1; i <= 5; i++) {
        const s = await signIn(browser, 'victim', `wrong password ${i}`);
        check(s.status === 403, `throttle: bad password ${i} refused (403)`);
        await s.ctx.close();
      }
      const s = await signIn(browser, 'victim', password);
      check(s.status === 429 && s.page.url().endsWith('/login'), 'throttle: the right password now waits (429)');
      await shot(s.page, 'login-throttled');
      await s.ctx.close();
    }
    for (const s of Object.values(sessions)) await s.ctx.close();
  } finally {
    await browser.close();
  }
  console.log(failures ? `${failures} check(s) failed` : 'all checks passed');
  process.exit(failures ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(1); });
