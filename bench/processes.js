'use strict';
// Child processes of a bench run (agis, the baseline): spawn, wait until ready, sample memory, stop.
const { spawn } = require('node:child_process');
const { readFileSync } = require('node:fs');

const { ROOT } = require('./app');

/** VmRSS of a process in MiB, or null once it is gone. */
function rssMiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat (clock ticks of 1/100 s). */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at field 3: utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Samples a process's RSS every `everyMs` until stop() is called; returns the peak seen. */
function sampleRss(pid, everyMs = 200) {
  let peak = rssMiB(pid) ?? 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMiB(pid) ?? 0);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, rssMiB(pid) ?? 0);
    },
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls url until it answers 200 or the deadline passes (the process's output is in the error). */
async function waitReady(url, child, deadlineMs = 60_000, everyMs = 100) {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) {
      throw new Error(`${child.benchName} exited with code ${child.exitCode}:\n${child.output()}`);
    }
    try {
      const res = await fetch(url);
      if (res.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await sleep(everyMs);
  }
  throw new Error(`${child.benchName} did not become ready at ${url} within ${deadlineMs} ms:\n${child.output()}`);
}

/** Starts `node <args>` with env; keeps the last lines of its output for error messages. */
function startNode(name, args, env) {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const keep = (chunk) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 40));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.benchName = name;
  child.output = () => lines.join('\n');
  return child;
}

/** SIGTERM, then SIGKILL if it has not exited after graceMs. */
async function stopChild(child, graceMs = 15_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

module.exports = { cpuSeconds, rssMiB, sampleRss, sleep, waitReady, startNode, stopChild };
