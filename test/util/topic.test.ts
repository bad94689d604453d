import { describe, expect, it } from 'vitest';
import { TopicFilters, topicMatches } from '../../src/util/topic.js';

// Oracles: the examples of MQTT 3.1.1 §4.7.1 (wildcards) and §4.7.2 (topics beginning with $).
describe('MQTT topic filters', () => {
  it.each([
    ['sport/tennis/player1/#', 'sport/tennis/player1', true],
    ['sport/tennis/player1/#', 'sport/tennis/player1/ranking', true],
    ['sport/tennis/player1/#', 'sport/tennis/player1/score/wimbledon', true],
    ['sport/#', 'sport', true],
    ['#', 'sport/tennis', true],
    ['sport/tennis/+', 'sport/tennis/player1', true],
    ['sport/tennis/+', 'sport/tennis/player1/ranking', false],
    ['sport/+', 'sport', false],
    ['sport/+', 'sport/', true],
    ['+/+', '/finance', true],
    ['/+', '/finance', true],
    ['+', '/finance', false],
    ['a/b', 'a/b', true],
    ['a/b', 'a/c', false],
  ])('%s against %s: %s', (filter, topic, want) => {
    expect(topicMatches(filter, topic)).toBe(want);
  });

  it('the $ rule: a filter starting with # or + does not match a topic starting with $', () => {
    expect(topicMatches('#', '$SYS/broker/clients/connected')).toBe(false);
    expect(topicMatches('+/monitor/Clients', '$SYS/monitor/Clients')).toBe(false);
    expect(topicMatches('$SYS/#', '$SYS/monitor/Clients')).toBe(true);
    expect(topicMatches('$SYS/monitor/+', '$SYS/monitor/Clients')).toBe(true);
  });

  it('a set answers for all its filters, and forgets a removed one', () => {
    const f = new TopicFilters(['dev/+/up', '#']);
    expect(f.matches('dev/7/up')).toBe(true);
    expect(f.matches('$SYS/uptime')).toBe(false);
    f.add('$SYS/uptime');
    expect(f.matches('$SYS/uptime')).toBe(true);
    f.remove('#');
    expect(f.matches('other/topic')).toBe(false);
    expect(f.matches('dev/7/up')).toBe(true);
    expect(f.size).toBe(2);
  });
});
