// ESLint flat config; `npm run lint` (part of `npm test`) runs it after `prettier --check .`.
// Formatting is prettier's job: eslint-config-prettier, last, turns off every stylistic rule, so the
// two never disagree.
//
// typescript-eslint's `recommended`, not `recommendedTypeChecked`: the type-aware set builds the whole
// TypeScript program and made `eslint .` about 4x slower (≈ 56 s against ≈ 16 s on the shared 2-core
// machine) while finding nothing that `tsc --strict` does not already catch here (no floating promises;
// the rest were 327 redundant `!`/`as` and template-literal noise on JSON-typed values).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'rtl-out/', '.axgen-cache/', '.ci-out/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // A leading underscore marks a deliberately unused binding, mostly a destructured key left out
      // of a rest object (`const { dir: _dir, ...rest } = x`); tsc's noUnusedLocals follows the same
      // convention.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
    },
  },
  {
    // Tests build deliberately malformed configs and poke at fields the types forbid; `any` there is
    // the point of the test, not a hole in the product's types. It stays an error everywhere else.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // bin/axgen.js is the only plain-JavaScript file and runs in Node.
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', URL: 'readonly', console: 'readonly' } },
  },
  prettier,
);
