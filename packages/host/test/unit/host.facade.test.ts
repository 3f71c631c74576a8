import { expect } from 'chai';
import { HostInputError } from '../../src/errors';
import { errorKind, InputError, ScopeError } from '../../src/facade/errors';
import { checkInput } from '../../src/facade/input';
import { INPUT_SCHEMAS } from '../../src/facade/schemas';
import { ScopeGuard } from '../../src/facade/scope';

function inputError(fn: () => void): InputError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

describe('HostFacade input', () => {
  describe('INPUT_SCHEMAS', () => {
    it('should compile every schema and refuse a non-object input', () => {
      for (const useCase of Object.keys(INPUT_SCHEMAS) as Array<keyof typeof INPUT_SCHEMAS>) {
        const err = inputError(() => checkInput(useCase, 'text'));
        expect(err.fields, useCase).to.deep.equal([{ path: '(input)', message: 'must be object' }]);
      }
    });
  });

  describe('#checkInput', () => {
    it('should list every bad field with a fix, in one INPUT_INVALID error', () => {
      const input = JSON.parse(
        '{"tenant": 5, "limit": 0, "where": [{"op": "near"}], "bogus": 1, "__proto__": {"x": 1}}',
      ) as unknown;
      const err = inputError(() => checkInput('search', input));
      expect(err.code).to.equal('INPUT_INVALID');
      expect(err.fields.map((f) => f.path)).to.have.members([
        '__proto__',
        'bogus',
        'tenant',
        'where[0].path',
        'where[0].op',
        'limit',
      ]);
      for (const f of err.fields) expect(f.hint, f.path).to.be.a('string').and.not.empty;
      expect(err.fields.find((f) => f.path === 'where[0].op')!.message).to.equal(
        'must be one of: eq, neq, contains, exists',
      );
      expect(err.details).to.deep.include({ field: '__proto__' });
      expect(err.message).to.contain('limit: must be >= 1').and.contain('tenant: must be string');
    });

    it('should name every missing required field', () => {
      const err = inputError(() => checkInput('createConnector', {}));
      expect(err.fields.map((f) => f.path)).to.have.members(['plugin', 'name', 'tenant', 'runOn', 'config']);
      expect(err.fields.every((f) => f.message === 'is required')).to.equal(true);
    });

    it('should refuse a prototype key deep inside a free-form object', () => {
      const config = JSON.parse('{"nested": {"constructor": {"prototype": 1}}}') as Record<string, unknown>;
      const err = inputError(() =>
        checkInput('createConnector', { plugin: 'p', name: 'n', tenant: 't', runOn: 'dp', config }),
      );
      expect(err.fields).to.have.length(1);
      expect(err.fields[0].path).to.equal('config.nested.constructor');
    });

    it('should keep the specific problem of a one-of field, not its outer one', () => {
      const err = inputError(() =>
        checkInput('createFilter', { tenant: 'a', name: 'b', when: ['x', { field: 'f', operator: 'nope' }] }),
      );
      expect(err.fields.map((f) => f.path)).to.deep.equal(['when[1].operator']);
    });

    it('should accept a valid input without changing it', () => {
      const input = { tenant: 'acme', where: [{ path: 'host.hostname', value: 'web-1' }], limit: 5 };
      const copy = structuredClone(input);
      checkInput('search', input);
      expect(input).to.deep.equal(copy);
    });
  });
});

describe('ScopeGuard', () => {
  describe('#tenantFor', () => {
    it('should pass any tenant through for an unscoped caller', () => {
      const guard = new ScopeGuard();
      expect(guard.tenantFor('acme')).to.equal('acme');
      expect(guard.tenantFor(undefined)).to.equal(undefined);
    });

    it('should give a scoped caller its own tenant and make another one absent', () => {
      const guard = new ScopeGuard({ tenant: 'acme' });
      expect(guard.tenantFor(undefined)).to.equal('acme');
      expect(guard.tenantFor('acme')).to.equal('acme');
      let err: unknown;
      try {
        guard.tenantFor('globex');
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(HostInputError).and.include({ code: 'UNKNOWN_TENANT', field: 'tenant' });
      expect(errorKind(err)).to.equal('not-found');
      expect((err as HostInputError).hint).to.equal('Use your tenant: acme.');
    });
  });

  describe('#requireHostWide', () => {
    it('should refuse a scoped caller with SCOPE_FORBIDDEN', () => {
      expect(() => new ScopeGuard({ tenant: 'acme' }).requireHostWide('createTenant')).to.throw(ScopeError);
      expect(() => new ScopeGuard().requireHostWide('createTenant')).not.to.throw();
      expect(errorKind(new ScopeError('createTenant'))).to.equal('forbidden');
    });
  });
});
