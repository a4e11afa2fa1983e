// Lint exists mainly to hold the layering rules of docs/architecture.md in place:
// only src/vscode/ and src/extension.ts may import `vscode`, and the webview imports only
// *types* from src/protocol (no zod in its bundle).
import tseslint from 'typescript-eslint';

const vscodeImportBan = {
  paths: [
    {
      name: 'vscode',
      message: 'Only src/vscode/ and src/extension.ts may import vscode (docs/architecture.md, layers).',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'node_modules/**',
      '.cache/**',
      'test-results/**',
      'dist-vsix/**',
      '.vscode-test/**',
    ],
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      'no-restricted-imports': ['error', vscodeImportBan],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'off',
      eqeqeq: ['error', 'smart'],
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']",
          message: "Use `import * as z from 'zod'`: the named `z` keeps all of zod (locales too) in the bundle.",
        },
      ],
    },
  },
  {
    // The family modules (and the limits host and webview share) are what the webview may import:
    // no zod there, ever.
    files: ['src/protocol/families/*.ts', 'src/protocol/webview-limits.ts'],
    ignores: ['src/protocol/families/*.schema.ts', 'src/protocol/families/schemas.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...vscodeImportBan,
          paths: [
            ...vscodeImportBan.paths,
            {
              name: 'zod',
              message: 'Family modules are zod-free (the webview imports them); schemas go in <family>.schema.ts.',
            },
          ],
          patterns: [
            {
              group: ['**/*.schema', './schemas', '../*'],
              allowTypeImports: true,
              message: 'Zod-free: only types from schema modules and src/protocol.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/vscode/**/*.ts', 'src/extension.ts', 'test/integration/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['webview/**/*.ts', 'webview/**/*.tsx'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'vscode', message: 'The webview runs in a browser.' },
            { name: 'zod', message: 'Keep zod out of the webview bundle.' },
          ],
          patterns: [
            {
              // The family registry and family modules are zod-free by rule (below) and may be
              // imported; their schemas (*.schema, schemas) and the rest of src/protocol may not.
              regex: 'src/protocol(/(?!families/|webview-limits$)[^/]+|/families/([^/]+\\.schema|schemas))?$',
              allowTypeImports: true,
              message: 'The webview imports only types from src/protocol (and the zod-free event families).',
            },
          ],
        },
      ],
    },
  },
);
