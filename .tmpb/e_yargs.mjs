import yargs from 'yargs'; export const x = yargs;
