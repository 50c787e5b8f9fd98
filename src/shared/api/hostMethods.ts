import { z } from 'zod'

/**
 * Contract methods about the host the UI runs in (Electron window or the local web host), kept in
 * their own block and spread into API_METHODS. The UI asks `getCapabilities` once: where a native
 * folder picker exists it calls `pickFolder`; elsewhere (the web host) it asks for a typed path.
 */

export const CapabilitiesSchema = z.object({
  /** Which transport carries the API. */
  transport: z.enum(['electron', 'web']),
  /** `pickFolder` opens a native dialog; when false the UI asks for an absolute path instead. */
  folderPicker: z.boolean()
})

/** What the folder is for: an archive folder to open, a folder to export into, or the cache folder. */
export const FolderPurposeSchema = z.enum(['archive', 'export', 'cache'])

export const PickedFolderSchema = z.object({
  /** The folder the user chose (absolute), or null when the dialog was cancelled. */
  folder: z.string().nullable()
})

export const HOST_METHODS = {
  /** What the host offers the UI (see CapabilitiesSchema). */
  getCapabilities: { params: z.strictObject({}), result: CapabilitiesSchema },
  /** Asks the user for a folder with the native dialog; fails with bad_request where there is none. */
  pickFolder: { params: z.strictObject({ purpose: FolderPurposeSchema }), result: PickedFolderSchema }
} as const

export type Capabilities = z.infer<typeof CapabilitiesSchema>
export type FolderPurpose = z.infer<typeof FolderPurposeSchema>
