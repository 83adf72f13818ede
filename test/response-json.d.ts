// Tests read JSON answers whose shapes they assert on; an `any` here keeps each test free of casts.
/* eslint-disable @typescript-eslint/no-explicit-any */
export {};
declare global {
  interface Response {
    json(): Promise<any>;
  }
}
