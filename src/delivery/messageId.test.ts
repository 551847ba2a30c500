import { libraryMessageId } from './messageId';

describe('libraryMessageId', () => {
  it("is in the library's form, a version 4 UUID after the time, and new each time", () => {
    const ids = Array.from({ length: 1000 }, () => libraryMessageId(1796500321750));
    for (const id of ids) expect(id).toMatch(/^ajs-next-1796500321750-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(1000);
  });
});
