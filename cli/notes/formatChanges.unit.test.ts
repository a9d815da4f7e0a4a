import { describe, expect, it } from '@jest/globals';
import type { Note } from '../../functions/notes/NotesStore.js';
import { formatFolderRemoval, formatMove, formatTagEdit } from './formatChanges.js';

const note = (tags: string[]): Note => ({
  id: 1,
  title: 'Milk',
  folderId: null,
  folder: null,
  status: 'active',
  tags,
  updatedAt: '2026-12-01T10:00:00.000Z',
  body: '',
  createdAt: '2026-12-01T10:00:00.000Z',
});

describe('one line saying exactly what a change changed', () => {
  it.each([
    [{ added: ['x'], alreadyHad: [], removed: [] }, ['x'], 'note 1: added x; tags now: x'],
    [{ added: ['x'], alreadyHad: ['y'], removed: [] }, ['x', 'y'], 'note 1: added x; already had y; tags now: x, y'],
    [{ added: [], alreadyHad: ['y'], removed: [] }, ['y'], 'note 1: already had y; tags now: y'],
    [{ added: [], alreadyHad: [], removed: ['urgent', 'home'] }, ['work'], 'note 1: removed urgent, home; tags now: work'],
    [{ added: [], alreadyHad: [], removed: ['two words'] }, [], 'note 1: removed "two words"; tags now: none'],
    [
      { added: ['t\u001b]0;x\u0007ag', '#hash'], alreadyHad: [], removed: [] },
      ['#hash', 't\u001b]0;x\u0007ag'],
      'note 1: added t␛]0;x␇ag, "#hash"; tags now: "#hash", t␛]0;x␇ag',
    ],
  ])('tags: %j → %j', (changes, tags, line) => {
    expect(formatTagEdit({ note: note(tags), ...changes })).toBe(line);
  });

  it.each([
    [{ to: { id: 2, path: 'work' }, moved: [{ id: 1, from: 'home' }], alreadyThere: [] }, 'moved to work: note 1 from home'],
    [
      { to: { id: 2, path: 'evil\u001b[2Jdir' }, moved: [{ id: 1, from: 'x\u0007y' }], alreadyThere: [] },
      'moved to evil␛[2Jdir: note 1 from x␇y',
    ],
    [
      {
        to: { id: 2, path: 'home/groceries' },
        moved: [
          { id: 1, from: 'home' },
          { id: 2, from: null },
          { id: 4, from: null },
          { id: 5, from: 'home' },
        ],
        alreadyThere: [3],
      },
      'moved to home/groceries: notes 1 and 5 from home, notes 2 and 4 from no folder; note 3 was already there',
    ],
    [
      { to: null, moved: [{ id: 7, from: 'work' }], alreadyThere: [8, 9] },
      'moved to no folder: note 7 from work; notes 8 and 9 were already there',
    ],
    [{ to: { id: 2, path: 'work' }, moved: [], alreadyThere: [1, 2, 3] }, 'nothing moved: notes 1, 2 and 3 were already in work'],
  ])('move: %j → %j', (move, line) => {
    expect(formatMove(move)).toBe(line);
  });

  it.each([
    [
      { id: 1, path: 'home', subFolders: ['home/a', 'home/b'], unfiledNotes: [3, 4, 5] },
      'removed folder home and 2 sub-folders; 3 notes are now without a folder',
    ],
    [
      { id: 1, path: 'home', subFolders: ['home/a'], unfiledNotes: [3] },
      'removed folder home and 1 sub-folder; 1 note is now without a folder',
    ],
    [{ id: 1, path: 'home/old', subFolders: [], unfiledNotes: [] }, 'removed folder home/old; no notes were in it'],
    [{ id: 1, path: 'home', subFolders: ['home/a'], unfiledNotes: [] }, 'removed folder home and 1 sub-folder; no notes were in them'],
  ])('folder rm: %j → %j', (removal, line) => {
    expect(formatFolderRemoval(removal)).toBe(line);
  });
});
