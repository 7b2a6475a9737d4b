import { downloadDisposition, uploadFilename } from './content-disposition';

describe('uploadFilename', () => {
  it.each([
    [undefined, null],
    ['attachment', null],
    ['attachment; filename="photo.jpg"', 'photo.jpg'],
    ['attachment; filename=photo.jpg', 'photo.jpg'],
    ['attachment; filename="a \\"quoted\\" name.txt"', 'a "quoted" name.txt'],
    ["attachment; filename*=UTF-8''r%C3%A4ksm%C3%B6rg%C3%A5s.pdf", 'räksmörgås.pdf'],
    ['attachment; filename="fallback.pdf"; filename*=utf-8\'\'%E8%AE%BE%E8%AE%A1.png', '设计.png'],
    ['attachment; filename="../../etc/passwd"', '..\uFFFD..\uFFFDetc\uFFFDpasswd'],
    ["attachment; filename*=UTF-8''a%00b%2Fc", 'a\uFFFDb\uFFFDc'],
    ["attachment; filename*=UTF-8''%ZZ; filename=plain.txt", 'plain.txt'],
    ['attachment; filename=""', null],
  ])('%s → %s', (header, expected) => {
    expect(uploadFilename(header)).toBe(expected);
  });
});

describe('downloadDisposition', () => {
  it('percent-encodes everything but the unreserved characters, upper-case hex', () => {
    expect(downloadDisposition(null)).toBe('attachment');
    expect(downloadDisposition("O'Brien's report 2.docx")).toBe(
      "attachment; filename*=UTF-8''O%27Brien%27s%20report%202.docx",
    );
    expect(downloadDisposition('räk.pdf')).toBe("attachment; filename*=UTF-8''r%C3%A4k.pdf");
    expect(downloadDisposition('a\r\nSet-Cookie: x')).toBe(
      "attachment; filename*=UTF-8''a%0D%0ASet-Cookie%3A%20x",
    );
  });
});
