module.exports = { environments: ["production"], tags: ["all"] };
