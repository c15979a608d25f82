import { PermissionFlagsBits, PermissionsBitField } from 'discord.js';
import { type CommandNode, helpEntries, mayUse } from './help-topics';

const tree: CommandNode[] = [
  { name: 'daily', description: 'Claim your daily bonus' },
  {
    name: 'servers',
    description: 'Your servers',
    options: [
      { name: 'start', description: 'Start one', type: 1, options: [{ name: 'server', description: 'Which', type: 3, required: true }] },
      {
        name: 'create',
        description: 'Create one',
        type: 1,
        options: [
          { name: 'name', description: 'Name', type: 3, required: true },
          { name: 'start', description: 'Start it', type: 5, required: false },
        ],
      },
    ],
  },
  {
    name: 'gift',
    description: 'Give GC',
    options: [
      { name: 'user', description: 'Who', type: 6, required: true },
      { name: 'amount', description: 'How much', type: 4, required: true, min_value: 10 },
    ],
  },
  {
    name: 'admin',
    description: 'Staff only',
    defaultMemberPermissions: PermissionFlagsBits.ManageGuild,
    options: [{ name: 'users', description: 'Users', type: 1 }],
  },
  { name: 'owner', description: 'Administrators only', defaultMemberPermissions: '0' },
];

describe('help entries from the command tree', () => {
  it('lists every leaf command with an example made of its required options', () => {
    const member = new PermissionsBitField([PermissionFlagsBits.SendMessages]);
    expect(helpEntries(tree, member)).toEqual([
      { path: '/daily', description: 'Claim your daily bonus', example: '/daily' },
      { path: '/gift', description: 'Give GC', example: '/gift user:@member amount:10' },
      { path: '/servers create', description: 'Create one', example: '/servers create name:<name>' },
      { path: '/servers start', description: 'Start one', example: '/servers start server:<server>' },
    ]);
  });

  it('shows a command with default_member_permissions only to members holding those permissions', () => {
    const manager = new PermissionsBitField([PermissionFlagsBits.ManageGuild]);
    expect(helpEntries(tree, manager).map((e) => e.path)).toContain('/admin users');
    expect(helpEntries(tree, manager).map((e) => e.path)).not.toContain('/owner');
    expect(helpEntries(tree, new PermissionsBitField([PermissionFlagsBits.Administrator])).map((e) => e.path)).toEqual(
      expect.arrayContaining(['/admin users', '/owner']),
    );
  });

  it('hides every permissioned command when the member permissions are unknown', () => {
    expect(mayUse(PermissionFlagsBits.ManageGuild, null)).toBe(false);
    expect(mayUse(null, null)).toBe(true);
    expect(mayUse('0', new PermissionsBitField([PermissionFlagsBits.ManageGuild]))).toBe(false);
  });
});
