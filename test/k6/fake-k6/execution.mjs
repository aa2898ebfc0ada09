// A tiny fake of k6/execution: the runner sets the iteration before each call.
export default { scenario: { iterationInTest: 0 }, vu: { idInTest: 1 } };
