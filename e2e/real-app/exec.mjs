// @ts-check
// Runs the generated app's commands: as child processes with a time limit,
// their output in a log file (its tail printed when one fails).
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';

/**
 * @typedef {object} RunOptions
 * @property {string} cwd
 * @property {NodeJS.ProcessEnv} env
 * @property {string} log file that receives the command's output
 * @property {number} timeoutMs the command is killed (with its children) after this long
 */

/**
 * Runs a command to completion; rejects on a non-zero exit or a timeout.
 * @param {string} command
 * @param {string[]} args
 * @param {RunOptions} options
 */
export function run(command, args, { cwd, env, log, timeoutMs }) {
  const line = `${command} ${args.join(' ')}`;
  appendFileSync(log, `\n$ (cd ${cwd} && ${line})\n`);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.stdout.on('data', chunk => appendFileSync(log, chunk));
    child.stderr.on('data', chunk => appendFileSync(log, chunk));
    const timer = setTimeout(() => {
      killTree(child.pid);
      reject(new Error(`timed out after ${timeoutMs / 1000} s: ${line}\n${tail(log)}`));
    }, timeoutMs);
    child.on('error', error => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', code => {
      clearTimeout(timer);
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      appendFileSync(log, `[exit ${code} after ${seconds} s]\n`);
      if (code === 0) resolve(undefined);
      else reject(new Error(`exit ${code}: ${line}\n${tail(log)}`));
    });
  });
}

/**
 * Starts a long-running command (a server); `stop()` ends it and its children.
 * @param {string} command
 * @param {string[]} args
 * @param {Omit<RunOptions, 'timeoutMs'>} options
 */
export function start(command, args, { cwd, env, log }) {
  appendFileSync(log, `\n$ (cd ${cwd} && ${command} ${args.join(' ')}) &\n`);
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout.on('data', chunk => appendFileSync(log, chunk));
  child.stderr.on('data', chunk => appendFileSync(log, chunk));
  /** @type {Promise<number | null>} */
  const exited = new Promise(resolve => child.on('close', code => resolve(code)));
  return {
    exited,
    async stop() {
      killTree(child.pid);
      await Promise.race([exited, new Promise(r => setTimeout(r, 5000))]);
    },
  };
}

/**
 * Ends a process group started with `detached: true` (the command and every
 * process it started), by its id.
 * @param {number | undefined} pid
 */
function killTree(pid) {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

/**
 * The last lines of a log file.
 * @param {string} log
 * @param {number} [lines]
 */
export function tail(log, lines = 40) {
  try {
    return readFileSync(log, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
