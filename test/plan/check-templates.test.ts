/** References in tasks are refused when the flow is planned, each with the path of its field. */
import { describe, expect, it } from 'vitest';
import { compile, flow, registry, task } from '../fixtures/build-flow.ts';
import { compileFlow } from '../../src/plan/compile.ts';

const sh = (args: unknown[], extra: Record<string, unknown> = {}) => ({ image: 'busybox', command: ['sh', '-c', 'true'], args, ...extra });

function problems(root: unknown, params?: Record<string, never>): string[] {
  try {
    compile(root, params);
    return [];
  } catch (e) {
    return (e as Error).message.split('\n');
  }
}

describe('references in tasks, checked at plan time', () => {
  it('accepts what each place gives', () => {
    const root = {
      sequence: [
        { id: 'a', task: sh(['{{ params.n }}', '{{ params }}', '{{ attempt }}']) },
        { id: 'fan', fanOut: { over: [1], as: 'region', do: { fanOut: { over: [2], as: 'shard', do: { task: sh(['{{ region }}', '{{ shard }}', '{{ item }}', '{{ steps.a.result }}', '{{ steps.a.status }}']) } } } } },
        { id: 'ring', cycle: { rounds: 2, ring: [{ id: 'x', task: sh(['{{ round }}', '{{ steps["./x#0"].result }}']) }] } },
        { id: 'b', task: sh(['{{ inputs.rows }}'], { inputs: { rows: 'a:rows.json' } }) },
        { id: 'c', task: { image: { cat: ['img:', { var: 'params.n' }] }, args: [{ '+': [{ var: 'params.n' }, 1] }] } },
      ],
    };
    expect(compile(root, { n: 1 } as never).stepIds).toContain('c');
  });

  it('refuses every reference that cannot resolve, with its place and a hint', () => {
    const root = {
      sequence: [
        { id: 'build', task: sh(['{{ parms.n }}', '{{ params.m }}', '{{ item }}', '{{ round }}', '{{ exit.status }}']) },
        { id: 'b', task: sh(['{{ steps.biuld.result }}', '{{ inputs.rowz }}', '{{ steps.build.reslt }}', '{{ steps.build.outputs.x }}', '{{ attempt.n }}'], { inputs: { rows: 'build:rows.json' }, env: { X: '{{ regoin }}' } }) },
      ],
    };
    expect(problems(root, { n: 1 } as never)).toEqual(expect.arrayContaining([
      'spec.root.sequence[0].task.args[0]: {{ parms.n }}: no reference "parms" (did you mean "params"?): a reference starts with params, item, an enclosing fan-out\'s as name, round, attempt, inputs, exit, steps or run',
      'spec.root.sequence[0].task.args[1]: {{ params.m }}: param "m" is not declared in spec.params (did you mean "n"?) (declare it there, with null when it has no default)',
      'spec.root.sequence[0].task.args[2]: {{ item }}: item is only given inside a fan-out',
      'spec.root.sequence[0].task.args[3]: {{ round }}: round is only given inside a cycle',
      'spec.root.sequence[0].task.args[4]: {{ exit.status }}: exit is only given inside an exit handler (onExit)',
      'spec.root.sequence[1].task.args[0]: {{ steps.biuld.result }}: no step "biuld" (did you mean "build"?)',
      'spec.root.sequence[1].task.args[1]: {{ inputs.rowz }}: this task has no input "rowz" (did you mean "rows"?)',
      'spec.root.sequence[1].task.args[2]: {{ steps.build.reslt }}: write steps.STEP.result, steps.STEP.outputs.parameters.NAME, steps.STEP.status or steps.STEP.exitCode (did you mean "result"?)',
      'spec.root.sequence[1].task.args[3]: {{ steps.build.outputs.x }}: write steps.STEP.outputs.parameters.NAME',
      'spec.root.sequence[1].task.args[4]: {{ attempt.n }}: attempt is a number and has no fields',
      'spec.root.sequence[1].task.env.X: {{ regoin }}: no reference "regoin": a reference starts with params, item, an enclosing fan-out\'s as name, round, attempt, inputs, exit, steps or run',
    ]));
  });

  it('a step inside a pod is read only by its siblings in the pod, as results are', () => {
    const root = { sequence: [{ id: 'p', pod: { flow: { sequence: [task('in'), { id: 'x', task: sh(['{{ steps.p/in.result }}']) }] } } }, { id: 'after', task: sh(['{{ steps.p/in.result }}']) }] };
    expect(problems(root)).toEqual(['spec.root.sequence[1].task.args[0]: {{ steps.p/in.result }}: step "p/in" is a container inside pod "p", whose results only its own containers can read; read the pod\'s result, or pass the data as an input']);
  });

  it('a used flow checks its references against its own params, alone and as a unit', () => {
    const lib = flow({ task: sh(['{{ params.table }}', '{{ params.other }}']) }, { name: 'lib', params: { table: null } });
    expect(() => compileFlow(lib)).toThrow('spec.root.task.args[1]: {{ params.other }}: param "other" is not declared in spec.params');
    const ok = flow({ task: sh(['{{ params.table }}']) }, { name: 'lib', params: { table: null } });
    expect(compile({ sequence: [{ id: 'u', use: 'lib@1', with: { table: 'orders' } }] }, undefined, registry(ok)).stepIds).toEqual(['u', 'u/main']);
  });

  it('a template that does not parse is refused when the document is checked', () => {
    expect(problems({ task: { image: 'x', workingDir: '{{ nope' } })).toEqual(['spec.root.task.workingDir: "{{" at character 1 is not closed by "}}"']);
  });

  it('a computed value is checked as json-logic', () => {
    expect(problems({ task: { image: 'x', args: [{ var: 'results.nope' }] } })).toEqual(['spec.root.task.args[0]: results.nope: no step "nope"']);
  });
});

describe('output parameters, checked at plan time', () => {
  it('a parameter the step does not declare is refused, in templates and json-logic', () => {
    const root = {
      sequence: [
        { id: 'a', task: { image: 'x', outputs: { parameters: { count: { path: 'count' } } } } },
        { id: 'b', when: { '==': [{ output: ['a', 'cuont'] }, '1'] }, task: sh(['{{ steps.a.outputs.parameters.count }}', '{{ steps.a.outputs.parameters.sha }}']) },
      ],
    };
    expect(problems(root)).toEqual([
      'spec.root.sequence[1].when: {"output": ["a", "cuont"]}: step "a" declares no output parameter "cuont" (did you mean "count"?)',
      'spec.root.sequence[1].task.args[1]: {{ steps.a.outputs.parameters.sha }}: step "a" declares no output parameter "sha"',
    ]);
  });
});
