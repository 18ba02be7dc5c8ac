// pdfmake ships no types; the factory wraps the few calls it makes in its own types
declare module 'pdfmake';
