/**
 * onnxruntime-node that does not load (a partial npm install, its native CPU library missing) is a
 * missing dependency: exit 2 with the command that reinstalls it, not an internal error (exit 3).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.doUnmock('onnxruntime-node');
  vi.resetModules();
});

describe('onnxruntime-node that does not load', () => {
  it('is a DependencyMissingError: exit 2, the loader message and the reinstall command', async () => {
    vi.resetModules();
    vi.doMock('onnxruntime-node', () => {
      throw new Error('libonnxruntime.so.1: cannot open shared object file: No such file or directory');
    });
    const { loadOnnxRuntime } = await import('../../generator/inference/accuracy.js');
    const { DependencyMissingError } = await import('../../generator/infra/tools.js');
    const { describeFailure } = await import('../../generator/commands/common.js');
    const err = await loadOnnxRuntime().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DependencyMissingError);
    const f = describeFailure(err, undefined);
    expect(f.exitCode).toBe(2);
    expect(f.text).toContain('onnxruntime-node is not available');
    expect(f.text).toContain('libonnxruntime.so.1: cannot open shared object file');
    expect(f.text).toContain('ONNXRUNTIME_NODE_INSTALL=skip npm ci');
    expect(f.text).not.toContain('apt-get');
  });

  it('loads when it is installed (the same function the float reference uses)', async () => {
    const { loadOnnxRuntime } = await import('../../generator/inference/accuracy.js');
    const ort = await loadOnnxRuntime();
    expect(typeof ort.InferenceSession.create).toBe('function');
  });
});
