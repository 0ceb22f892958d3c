import type { Auth } from './declarations.ts';
import { templateNames } from './template.ts';

/** The environment variables a target's login reads: its account and every `${NAME}` template. */
export function authEnvNames(auth: Auth | undefined): string[] {
  if (!auth) return [];
  const templates = (values: string[]) => values.flatMap(templateNames);
  switch (auth.type) {
    case 'form':
      return [auth.usernameEnv, auth.passwordEnv, ...templates(Object.values(auth.fields))];
    case 'json':
      return templates(Object.values(auth.body));
    case 'header':
      return templates([auth.value]);
  }
}
