import { z } from 'zod'

/**
 * A folder the user chooses: an archive to open, a folder to export into or train from, the cache
 * folder. Every such parameter of the contract uses this schema (or one refined from it), and is
 * branded with `userFolder` metadata, so that the hosts can find them all from the contract itself:
 * in Electron each must be a folder picked in the native dialog (see ApiService).
 */
export const UserFolderSchema = z.string().min(1).max(4096).meta({ userFolder: true })

/** True when the schema is a user folder (possibly optional, nullable, defaulted or refined). */
export function isUserFolderSchema(schema: z.ZodType): boolean {
  for (let at: z.ZodType | undefined = schema; at; at = (at._zod.def as { innerType?: z.ZodType }).innerType) {
    if (z.globalRegistry.get(at)?.['userFolder'] === true) return true
  }
  return false
}

/** The keys of an object schema that hold a user folder. */
export function userFolderKeys(schema: z.ZodType): string[] {
  if (!(schema instanceof z.ZodObject)) return []
  return Object.entries(schema.shape as Record<string, z.ZodType>)
    .filter(([, field]) => isUserFolderSchema(field))
    .map(([key]) => key)
}

/** Every method of a contract that takes user folders, with the parameters that hold them. */
export function userFolderParams(methods: Record<string, { params: z.ZodType }>): { method: string; keys: string[] }[] {
  return Object.entries(methods)
    .map(([method, spec]) => ({ method, keys: userFolderKeys(spec.params) }))
    .filter((entry) => entry.keys.length > 0)
}
