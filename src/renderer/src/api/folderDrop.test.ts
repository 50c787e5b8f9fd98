import { describe, expect, it } from 'vitest'
import { BROWSER_DROP_MESSAGE, droppedFolder } from './folderDrop'

const file = (name: string) => ({ name }) as File

describe('dropping a folder onto the window', () => {
  it('opens the path Electron gives for the first dropped item', () => {
    const paths = new Map([['scans', '/home/ann/scans']])
    expect(droppedFolder([file('scans'), file('other')], (f) => paths.get(f.name) ?? '')).toEqual({ folder: '/home/ann/scans' })
  })

  it('in the browser, says why a path must be typed; nothing dropped means nothing to do', () => {
    expect(droppedFolder([file('scans')], undefined)).toEqual({ message: BROWSER_DROP_MESSAGE })
    expect(BROWSER_DROP_MESSAGE).toMatch(/type the folder’s path/)
    expect(droppedFolder([], () => '/x')).toBeUndefined()
  })

  it('names a dropped item that is not on disk', () => {
    expect(droppedFolder([file('clipboard.png')], () => '')).toEqual({ message: expect.stringContaining('"clipboard.png" is not a folder') })
  })
})
