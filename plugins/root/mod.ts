/** placeholder module, filled by its package. @module */
export {};
